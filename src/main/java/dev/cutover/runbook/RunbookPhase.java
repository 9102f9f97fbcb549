package dev.cutover.runbook;

import java.util.List;

/**
 * An ordered list of steps run as one phase execution.
 *
 * @param pointOfNoReturn true when completing this phase makes rollback lose data unless
 *                        reverse replication exists (e.g. writes landed on the new primary)
 */
public record RunbookPhase(String name, String description, boolean pointOfNoReturn, List<RunbookStep> steps) {

    public RunbookPhase {
        steps = List.copyOf(steps);
    }
}
