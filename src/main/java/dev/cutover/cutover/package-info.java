/**
 * Cutovers: the aggregate and its state machine ({@code CutoverTransitions} for a person's moves,
 * {@code CutoverPolicy} for what is allowed), the views and the REST API, the rehearsal forecast.
 * Sub-packages: {@code state} (what is stored), {@code execution} (phases and rollbacks on Spring
 * Batch, steps, attempts), {@code eventlog} (the append-only log and its live stream).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Cutovers", allowedDependencies = { "runbook", "step", "instance" })
package dev.cutover.cutover;
