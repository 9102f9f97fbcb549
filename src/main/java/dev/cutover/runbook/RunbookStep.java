package dev.cutover.runbook;

import java.time.Duration;
import java.util.Map;

/**
 * One step of a phase.
 *
 * @param with      the step type's parameters: scalars as the text written in YAML, sequences as
 *                  {@code List<String>}, mappings as {@code Map<String, String>}
 * @param timeout   how long the step may run (default 1h)
 * @param retries   extra attempts after a failure (default 0)
 * @param rollback  what undoes the step
 * @param onFailure what the service does when the step fails past its retries: the step's own
 *                  {@code onFailure:}, else its phase's, else {@link OnFailure#STOP}
 * @param autoResume {@code autoResume: true}: when the instance running the step dies, the instance
 *                  that takes the cutover over restarts the phase at once instead of waiting for a
 *                  person. Only for step types that are safe to run again from the start (gates,
 *                  syncs, verifications: {@code StepType.resumable()}); validation refuses it elsewhere.
 */
public record RunbookStep(String id, String type, String owner, String escalation, Duration timeout, int retries,
                          Map<String, Object> with, StepRollback rollback, OnFailure onFailure, boolean autoResume) {

    public RunbookStep {
        with = Map.copyOf(with);
        onFailure = onFailure == null ? OnFailure.STOP : onFailure;
    }

    /** A step that waits for a person after its instance died (the default). */
    public RunbookStep(String id, String type, String owner, String escalation, Duration timeout, int retries,
                       Map<String, Object> with, StepRollback rollback, OnFailure onFailure) {
        this(id, type, owner, escalation, timeout, retries, with, rollback, onFailure, false);
    }

    /** A step that stops and waits for a person when it fails (the default). */
    public RunbookStep(String id, String type, String owner, String escalation, Duration timeout, int retries,
                       Map<String, Object> with, StepRollback rollback) {
        this(id, type, owner, escalation, timeout, retries, with, rollback, OnFailure.STOP, false);
    }
}
