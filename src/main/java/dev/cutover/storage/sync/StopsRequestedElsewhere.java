package dev.cutover.storage.sync;

import dev.cutover.DaemonThreads;
import dev.cutover.instance.InstanceLeases;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Carries a stop accepted on another instance to the runs copying on this one. The other instance's
 * {@link SyncLauncher#stop} marks the run's Batch execution stopped in the shared database, but its
 * {@link SyncStopRequests} are in its own memory, and Batch alone hears the stop only after the chunk
 * under way (minutes over a slow link). So the launcher also records the request on the run's row
 * ({@code stop_requested}), and every 250 ms this reads which of this instance's running runs were
 * asked to stop and raises their request here, so they stop between objects.
 */
@Component
class StopsRequestedElsewhere {

    private static final Logger log = LoggerFactory.getLogger(StopsRequestedElsewhere.class);
    private static final long EVERY_MILLIS = 250;

    private final SyncRunRepository runs;
    private final InstanceLeases leases;
    private final SyncStopRequests stops;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("sync-stops-elsewhere"));

    private final SyncPartitions partitions;

    StopsRequestedElsewhere(SyncRunRepository runs, InstanceLeases leases, SyncStopRequests stops,
                            SyncPartitions partitions) {
        this.partitions = partitions;
        this.runs = runs;
        this.leases = leases;
        this.stops = stops;
    }

    @EventListener(ApplicationReadyEvent.class)
    void follow() {
        timer.scheduleWithFixedDelay(this::read, EVERY_MILLIS, EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    @EventListener(ContextClosedEvent.class)
    void end() {
        timer.shutdownNow();
    }

    void read() {
        try {
            // This instance's own runs, and the runs of the partitions it runs for others (remote partitioning).
            java.util.Set<Long> asked = new java.util.LinkedHashSet<>(runs.stopsRequestedOf(leases.self().id()));
            asked.addAll(partitions.stopsRequestedOfPartitionsOn(leases.self().id()));
            asked.forEach(runId -> {
                        if (!stops.requested(runId)) {
                            log.info("Sync run {} was asked to stop on another instance: stopping it here", runId);
                            stops.request(runId);
                        }
                    });
        } catch (RuntimeException e) {
            log.warn("Could not read the stops asked on other instances; trying again in {} ms: {}", EVERY_MILLIS,
                    e.toString());
        }
    }
}
