package dev.cutover.runbook;

import java.util.List;

/**
 * An ordered list of steps run as one phase execution.
 *
 * @param pointOfNoReturn true when completing this phase makes rollback lose data unless
 *                        reverse replication exists (e.g. writes landed on the new primary)
 * @param onFailure       the default of its steps' {@code onFailure:} (each step carries the
 *                        value that applies to it)
 */
public record RunbookPhase(String name, String description, boolean pointOfNoReturn, List<RunbookStep> steps,
                           OnFailure onFailure) {

    public RunbookPhase {
        steps = List.copyOf(steps);
        onFailure = onFailure == null ? OnFailure.STOP : onFailure;
    }

    public RunbookPhase(String name, String description, boolean pointOfNoReturn, List<RunbookStep> steps) {
        this(name, description, pointOfNoReturn, steps, OnFailure.STOP);
    }
}
