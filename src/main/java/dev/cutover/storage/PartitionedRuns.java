package dev.cutover.storage;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The partitions of partitioned sync runs, read for screens: each one's key span, the worker running it,
 * its state, what it copied and how fast, so that an engineer sees which worker is slow.
 */
public interface PartitionedRuns {

    /** The partitions of the latest sync run of a cutover's step, when that run is partitioned. */
    Optional<Partitions> ofStep(String cutoverId, String stepId);

    /** One partition: its span (after, upTo], who runs it, how far it got and how fast. */
    record PartitionView(String name, String after, String upTo, String instance, String state, long objects,
                         long bytes, long bytesPerSecond, Instant startedAt, Instant endedAt, String message) {
    }

    /** A run's partitions, in name order; none when the run is not partitioned. */
    record Partitions(long runId, boolean partitioned, List<PartitionView> partitions) {
    }
}
