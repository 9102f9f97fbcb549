package dev.cutover.storage.sync;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.stereotype.Component;

/**
 * Runs asked to stop on this instance, by run id: the copy writer polls it between objects, the plan and
 * the verification between keys. Spring
 * Batch 6's {@code JobOperator.stop()} marks the job STOPPED at once but lets its running chunk go on
 * (spring-batch#5114), and a chunk over a slow link takes minutes: an abort must stop the copying in
 * seconds. In memory: after a crash nothing copies, and a resume clears the request. A stop accepted on
 * another instance arrives through the run's row ({@link StopsRequestedElsewhere}).
 */
@Component
class SyncStopRequests {

    private final Set<Long> requested = ConcurrentHashMap.newKeySet();

    void request(long runId) {
        requested.add(runId);
    }

    /** The run starts or continues: an earlier request no longer applies. */
    void clear(long runId) {
        requested.remove(runId);
    }

    boolean requested(long runId) {
        return requested.contains(runId);
    }

    /**
     * Ends the step under way with {@link Stopped} when the run was asked to stop.
     *
     * @param step e.g. {@code plan}, {@code verification}: a resume starts it again
     * @param keys how far the step got
     */
    void checkpoint(long runId, String step, long keys) throws Stopped {
        if (requested(runId)) {
            throw new Stopped(runId, "during its " + step + ", after " + keys + " key(s); a resume starts the " + step
                    + " again");
        }
    }

    /**
     * A run stopped on request in the middle of a step. A {@link JobInterruptedException}, so that Batch ends
     * the step STOPPED (restartable) rather than FAILED; the run's manifest says STOPPED, not a failure.
     */
    static class Stopped extends JobInterruptedException {
        Stopped(long runId, String how) {
            super("sync run " + runId + " stopped on request " + how);
        }
    }
}
