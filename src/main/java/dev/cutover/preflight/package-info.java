/**
 * Preflight: read-only checks of every connection, privilege and secret an environment's steps
 * will need, answered as one table before the night ({@code POST /api/runbooks/{name}/preflight})
 * or as the {@code preflight} step of a phase. The checks themselves live next to their engines as
 * {@link dev.cutover.step.PreflightCheck} beans; this module plans them from the runbook, runs
 * them in parallel under a per-check timeout, checks the secret references itself, stores each
 * table and answers it.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Preflight", allowedDependencies = { "step", "runbook" })
package dev.cutover.preflight;
