package dev.cutover.storage;

import java.util.List;

/**
 * One bucket mapping to sync or verify: connections are names from the runbook's environment,
 * resolved (with their secrets) only when the run starts.
 *
 * @param deleteExtra delete objects found only on the target (never without {@code maxDelete})
 * @param maxDelete   refuse to delete more than this many extra objects in one run
 * @param concurrency objects copied at once
 * @param partitions  key ranges the copy is cut into, run by worker instances (remote partitioning);
 *                    0 or 1: the copy runs as one step on the instance that runs the sync
 */
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true) // stored as JSON; older rows may hold dropped fields
public record SyncSpec(String runbook, String environment, String sourceConnection, String sourceBucket,
                       String sourcePrefix, String targetConnection, String targetBucket, String targetPrefix,
                       SyncMode mode, List<String> include, List<String> exclude, boolean deleteExtra, long maxDelete,
                       int concurrency, int partitions) {

    public static final int DEFAULT_CONCURRENCY = 16;

    public SyncSpec {
        sourcePrefix = sourcePrefix == null ? "" : sourcePrefix;
        targetPrefix = targetPrefix == null ? "" : targetPrefix;
        include = include == null ? List.of() : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
        concurrency = concurrency <= 0 ? DEFAULT_CONCURRENCY : concurrency;
    }

    /** A mapping copied in one step, as before partitions existed. */
    public SyncSpec(String runbook, String environment, String sourceConnection, String sourceBucket,
                    String sourcePrefix, String targetConnection, String targetBucket, String targetPrefix,
                    SyncMode mode, List<String> include, List<String> exclude, boolean deleteExtra, long maxDelete,
                    int concurrency) {
        this(runbook, environment, sourceConnection, sourceBucket, sourcePrefix, targetConnection, targetBucket,
                targetPrefix, mode, include, exclude, deleteExtra, maxDelete, concurrency, 0);
    }

    /** Whether the copy is cut into partitions that worker instances run. */
    public boolean partitioned() {
        return partitions > 1;
    }

    public String sourceDescription() {
        return sourceConnection + ":" + sourceBucket + "/" + sourcePrefix;
    }

    public String targetDescription() {
        return targetConnection + ":" + targetBucket + "/" + targetPrefix;
    }
}
