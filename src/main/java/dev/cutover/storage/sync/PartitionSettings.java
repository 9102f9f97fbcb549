package dev.cutover.storage.sync;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code cutover.sync.partition.*}: how this instance takes part in partitioned syncs.
 *
 * @param workers  partitions this instance runs at once (0: none, it only manages its own syncs);
 *                 a partition copies {@code concurrency} objects at once of its own
 * @param poll     how often an idle worker thread looks for a request, and the manager for results
 * @param timeout  how long a manager waits for its partitions before the copy step fails (a dead
 *                 worker is found much sooner, by its lease)
 */
@ConfigurationProperties("cutover.sync.partition")
record PartitionSettings(Integer workers, Duration poll, Duration timeout) {

    PartitionSettings {
        workers = workers == null ? 2 : workers;
        poll = poll == null ? Duration.ofMillis(250) : poll;
        timeout = timeout == null ? Duration.ofHours(24) : timeout;
        if (workers < 0) {
            throw new IllegalArgumentException("cutover.sync.partition.workers must be 0 or more, found " + workers);
        }
    }
}
