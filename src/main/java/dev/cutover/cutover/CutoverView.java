package dev.cutover.cutover;

import dev.cutover.instance.ServiceInstances;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A cutover as the API (and the dashboard) shows it: state, phases with their steps, and what may be done next.
 *
 * @param window the time budget its (pinned) runbook declares, as written there (e.g. {@code 6h}); null when none
 * @param runsOn the service instance recorded as running (or last running) its phase or rollback execution,
 *               with its host, pid and whether its lease still runs; null when none was recorded
 */
public record CutoverView(String id, String runbook, String runbookSha256, String window, String environment,
                   boolean rehearsal, String state,
                   String currentPhase, Long jobExecutionId, String createdBy, Instant createdAt, Instant updatedAt,
                   List<PhaseView> phases, List<String> allowedActions, ServiceInstances.Runner runsOn) {

    /** A view that names no instance (built outside the service, e.g. from a report). */
    public CutoverView(String id, String runbook, String runbookSha256, String window, String environment,
                       boolean rehearsal, String state, String currentPhase, Long jobExecutionId, String createdBy,
                       Instant createdAt, Instant updatedAt, List<PhaseView> phases, List<String> allowedActions) {
        this(id, runbook, runbookSha256, window, environment, rehearsal, state, currentPhase, jobExecutionId, createdBy,
                createdAt, updatedAt, phases, allowedActions, null);
    }

    public record PhaseView(String name, String state, boolean pointOfNoReturn, List<StepView> steps) {
    }

    /**
     * @param parallelGroup the name of the parallel group the step runs in (beside its siblings), or null
     */
    public record StepView(String id, String type, String state, Instant startedAt, Instant endedAt, String owner,
                    String escalation, int attempts, Map<String, Object> output, String parallelGroup) {

        public StepView(String id, String type, String state, Instant startedAt, Instant endedAt, String owner,
                        String escalation, int attempts, Map<String, Object> output) {
            this(id, type, state, startedAt, endedAt, owner, escalation, attempts, output, null);
        }
    }
}
