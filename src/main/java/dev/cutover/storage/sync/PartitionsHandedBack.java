package dev.cutover.storage.sync;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Partitions this instance's workers hand back as it stops gracefully (a rolling restart): each stops
 * between objects and goes back to the requests for another worker, instead of failing its run. Asked by
 * {@link PartitionWorkers#stop}; heard by the partition's copy writer (stop between objects) and by the
 * worker step's end, which leaves the partition STARTING, so that the manager, which polls the job
 * repository, never sees it end.
 */
@Component
class PartitionsHandedBack {

    private final Set<Long> asked = ConcurrentHashMap.newKeySet();

    void ask(long stepExecutionId) {
        asked.add(stepExecutionId);
    }

    boolean asked(long stepExecutionId) {
        return asked.contains(stepExecutionId);
    }

    void forget(long stepExecutionId) {
        asked.remove(stepExecutionId);
    }
}
