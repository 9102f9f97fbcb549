package dev.cutover.storage;

import java.time.Duration;
import java.time.Instant;

/**
 * The manifest of one sync or verification run, with live progress while it runs.
 *
 * @param kind  {@code sync} or {@code verify}
 * @param state RUNNING, COMPLETED, FAILED, STOPPED, INTERRUPTED
 */
public record SyncRun(long id, String kind, SyncMode mode, String state, String cutoverId, String stepId,
                      String runbook, String environment, String actor, String source, String target,
                      Long jobExecutionId, Instant startedAt, Instant endedAt, long plannedObjects, long plannedBytes,
                      long listedObjects, long listedBytes, long copiedObjects, long copiedBytes, long skippedObjects,
                      long skippedBytes, long failedObjects, long extraObjects, long deletedObjects,
                      long requeuedObjects, long mismatches, String message) {

    public boolean running() {
        return "RUNNING".equals(state);
    }

    public Duration elapsed() {
        return Duration.between(startedAt, endedAt == null ? Instant.now() : endedAt);
    }

    /** Bytes per second so far. */
    public double throughput(long bytesDone) {
        double seconds = Math.max(elapsed().toMillis(), 1) / 1000.0;
        return bytesDone / seconds;
    }
}
