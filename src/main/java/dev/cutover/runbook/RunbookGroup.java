package dev.cutover.runbook;

import java.util.List;

/**
 * Steps of a phase written together as {@code - group: <name>} with {@code steps: [...]}. A
 * {@code parallel: true} group runs its steps at the same time, each still its own step with its own
 * state, evidence and events; the phase goes on once all of them ended. A group without
 * {@code parallel: true} is a plain sequence, only a label.
 *
 * @param stepIds the group's steps in the order written; they are also in the phase's {@code steps},
 *                one after the other at the group's place
 */
public record RunbookGroup(String name, boolean parallel, List<String> stepIds) {

    public RunbookGroup {
        stepIds = List.copyOf(stepIds);
    }

    public boolean contains(String stepId) {
        return stepIds.contains(stepId);
    }
}
