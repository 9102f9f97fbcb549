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
 */
public record RunbookStep(String id, String type, String owner, String escalation, Duration timeout, int retries,
                          Map<String, Object> with, StepRollback rollback) {

    public RunbookStep {
        with = Map.copyOf(with);
    }
}
