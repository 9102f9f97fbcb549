package dev.cutover.cutover;

import java.time.Instant;

/**
 * One run of one runbook against one environment.
 *
 * @param currentPhase          the phase running or last run
 * @param jobExecutionId        the Spring Batch execution of that phase
 * @param rollbackJobExecutionId the execution of the rollback, once one started
 * @param version               optimistic lock: every transition increments it
 * @param runbookSha256         SHA-256 of the runbook text pinned at creation (null for cutovers created before pinning)
 */
public record Cutover(String id, String runbook, String environment, boolean rehearsal, CutoverState state,
                      String currentPhase, Long jobExecutionId, Long rollbackJobExecutionId, long version,
                      String createdBy, Instant createdAt, Instant updatedAt, String runbookSha256) {

    public Cutover withState(CutoverState next) {
        return new Cutover(id, runbook, environment, rehearsal, next, currentPhase, jobExecutionId, rollbackJobExecutionId,
                version, createdBy, createdAt, updatedAt, runbookSha256);
    }

    public Cutover withPhase(String phase, Long phaseJobExecutionId) {
        return new Cutover(id, runbook, environment, rehearsal, state, phase, phaseJobExecutionId, rollbackJobExecutionId,
                version, createdBy, createdAt, updatedAt, runbookSha256);
    }

    public Cutover withRollbackExecution(Long rollbackExecutionId) {
        return new Cutover(id, runbook, environment, rehearsal, state, currentPhase, jobExecutionId, rollbackExecutionId,
                version, createdBy, createdAt, updatedAt, runbookSha256);
    }
}
