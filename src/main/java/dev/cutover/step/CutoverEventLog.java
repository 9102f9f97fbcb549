package dev.cutover.step;

import java.util.Map;

/**
 * A cutover's event log as work running outside a step (a scheduled delta sync) sees it: whether
 * the cutover is still going, and a line appended to its log. The cutover module's {@code EventLog}
 * implements it.
 */
public interface CutoverEventLog {

    /** True while the cutover can still run steps (not completed, rolled back or aborted). */
    boolean active(String cutoverId);

    /** Appends to the cutover's event log; {@code actor} is e.g. {@code scheduler}. */
    void record(String cutoverId, String stepId, String actor, String action, String outcome, String message,
                Map<String, Object> evidence);
}
