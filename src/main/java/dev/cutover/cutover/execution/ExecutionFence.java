package dev.cutover.cutover.execution;

import dev.cutover.cutover.state.StepRowGuard;
import dev.cutover.instance.InstanceLeases;
import java.util.ArrayList;
import java.util.List;
import org.springframework.batch.core.scope.context.StepContext;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.stereotype.Component;

/**
 * Keeps an execution that was taken over from writing step results. An instance whose lease ran out
 * while its step still ran (a long GC pause, a partition from the database) comes back to find its
 * cutover taken over by another instance: its Batch execution recovered (FAILED), the step INTERRUPTED,
 * perhaps resumed elsewhere. Whatever its step then finishes must not be recorded over the new owner's
 * work. Each write of a step's start or result is therefore a compare-and-set: it lands only while
 * the cutover's owner is still this instance (or, for a forward step, another instance is rolling back
 * and waits for this execution; for an inverse step, the cutover still rolls back here) and this
 * execution is still running in the job repository; otherwise the step ends with {@link Fenced} and
 * records nothing.
 */
@Component
class ExecutionFence {

    private final InstanceLeases instances;

    ExecutionFence(InstanceLeases instances) {
        this.instances = instances;
    }

    /** Which write a guard is for: a forward step of a phase, or an inverse step of a rollback. */
    enum Direction { FORWARD, INVERSE }

    /**
     * The fence as a condition on a write of the step's row. Going forward: the cutover's owner is
     * still this instance (INTERRUPTED: a takeover, which keeps the dead owner's name to tell who it
     * was), or another instance rolls back and waits for this execution. Undoing: the cutover is
     * rolling back and its owner is this instance: a rollback taken over (ROLLBACK_FAILED, or rolled
     * back again elsewhere) no longer records anything here. In both, {@code execution}, when known,
     * still runs. Null when unknown; then only the cutover is checked.
     */
    StepRowGuard guard(String cutoverId, Long execution, Direction direction) {
        List<Object> params = new ArrayList<>(List.of(cutoverId, instances.self().id()));
        String condition = direction == Direction.INVERSE
                ? "EXISTS (SELECT 1 FROM cutover c WHERE c.id = ? AND c.owner_instance = ? AND c.state = 'ROLLING_BACK')"
                : "EXISTS (SELECT 1 FROM cutover c WHERE c.id = ? AND ((c.owner_instance = ? AND c.state <> "
                + "'INTERRUPTED') OR c.state = 'ROLLING_BACK'))";
        if (execution != null) {
            condition += " AND EXISTS (SELECT 1 FROM BATCH_JOB_EXECUTION e WHERE e.JOB_EXECUTION_ID = ? "
                    + "AND e.STATUS IN ('STARTING', 'STARTED', 'STOPPING'))";
            params.add(execution);
        }
        return new StepRowGuard(condition, params);
    }

    /** The guard of the step running on this thread. */
    StepRowGuard guard(String cutoverId, Direction direction) {
        return guard(cutoverId, currentJobExecution(), direction);
    }

    /** Ends the step when a guarded write did not land: the cutover was taken over meanwhile. */
    void require(boolean written, String cutoverId, String stepId) {
        if (!written) {
            throw new Fenced(cutoverId, stepId, currentJobExecution(), instances.self().id());
        }
    }

    /** The job execution whose step runs on this thread; null outside a Batch step. */
    static Long currentJobExecution() {
        StepContext context = StepSynchronizationManager.getContext();
        return context == null ? null : context.getStepExecution().getJobExecutionId();
    }

    /** The cutover was taken over from this instance while its step ran: nothing of the step is recorded. */
    static class Fenced extends RuntimeException {
        Fenced(String cutoverId, String stepId, Long execution, String self) {
            super("step " + stepId + " of cutover " + cutoverId + (execution == null ? "" : " (job execution " + execution
                    + ")") + " was taken over from service instance " + self + " while it ran (its lease had run out): "
                    + "its result is not recorded");
        }
    }
}
