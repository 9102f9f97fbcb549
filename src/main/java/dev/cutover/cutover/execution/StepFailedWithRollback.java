package dev.cutover.cutover.execution;

/**
 * A phase execution ended because a step whose {@code onFailure:} is {@code rollback} failed past
 * its retries, and the job's listener moved the cutover to FAILED. Published from that listener,
 * after it wrote FAILED, so the rollback is decided from FAILED and never races with the job's end.
 *
 * @param jobExecutionId the phase execution that failed: a rollback is requested only while the
 *                       cutover still records it (a person who restarted the phase meanwhile wins)
 */
public record StepFailedWithRollback(String cutoverId, String phase, String stepId, long jobExecutionId) {
}
