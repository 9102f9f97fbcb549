package dev.cutover.storage.sync;

import dev.cutover.DaemonThreads;
import dev.cutover.storage.SyncSpec;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Threads for the stats of a target whose listing lacks checksums (S3): one per copy the spec allows,
 * at least four, so that a plan or a verification of a sync with little concurrency still looks
 * several objects up at once. Whoever makes the pool shuts it down.
 */
final class TargetLookups {

    private TargetLookups() {
    }

    /** A pool for the lookups of one plan, verification or forecast; its threads are named {@code prefix}N. */
    static ExecutorService of(SyncSpec spec, String prefix) {
        return Executors.newFixedThreadPool(Math.max(4, spec.concurrency()), DaemonThreads.numbered(prefix));
    }
}
