package dev.cutover.step;

import java.util.Map;

/**
 * What work running outside a step (a scheduled delta sync) may ask of the cutover it serves:
 * whether the cutover is still going, and a line in its event log. Given by the cutover module.
 */
public interface CutoverJournal {

    /** True while the cutover can still run steps (not completed, rolled back or aborted). */
    boolean active(String cutoverId);

    /** Appends to the cutover's event log; {@code actor} is e.g. {@code scheduler}. */
    void record(String cutoverId, String stepId, String actor, String action, String outcome, String message,
                Map<String, Object> evidence);
}
