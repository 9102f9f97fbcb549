/**
 * Cutovers: the aggregate and its state machine, the append-only event log, the REST API and the
 * phase launcher that runs each runbook phase as a Spring Batch job execution.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Cutovers", allowedDependencies = { "runbook", "step" })
package dev.cutover.cutover;
