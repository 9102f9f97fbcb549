package dev.cutover.storage.sync;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Runs asked to stop on this instance, by run id: the copy writer polls it between objects. Spring
 * Batch 6's {@code JobOperator.stop()} marks the job STOPPED at once but lets its running chunk go on
 * (spring-batch#5114), and a chunk over a slow link takes minutes: an abort must stop the copying in
 * seconds. In memory on purpose: after a crash nothing copies, and a resume clears the request.
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
}
