package dev.cutover.cutover.eventlog;

import dev.cutover.DaemonThreads;
import dev.cutover.instance.InstanceLeases;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Follows the event log in the database by id, every {@value #POLL_MILLIS} ms, and publishes each
 * event another instance appended as an {@link EventAppendedElsewhere}: so a screen connected to
 * this instance sees what happens on any of them.
 * <p>
 * Ids are not committed in order (an event appended inside a longer transaction becomes visible
 * after later ones), so the follower never jumps a missing id at once: it reads again from the
 * oldest id it has not seen for up to {@value #GAP_MILLIS} ms (a rolled-back insert leaves a gap
 * for good), skipping the ones it has seen. Each event is published once.
 */
@Component
class EventLogFollower {

    private static final Logger log = LoggerFactory.getLogger(EventLogFollower.class);
    static final long POLL_MILLIS = 250;
    static final long GAP_MILLIS = 5_000;
    private static final int PAGE = 500;

    private final JdbcClient jdbc;
    private final EventLog events;
    private final InstanceLeases instances;
    private final ApplicationEventPublisher publisher;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("event-log-follower"));
    /** Every id at or below is settled: seen, or a gap given up on. */
    private long cursor = -1;
    /** Ids above the cursor already seen, with when (for gaps: when a later id was first seen). */
    private final Map<Long, Long> seenAbove = new HashMap<>();
    private long gapSince;

    EventLogFollower(JdbcClient jdbc, EventLog events, InstanceLeases instances, ApplicationEventPublisher publisher) {
        this.jdbc = jdbc;
        this.events = events;
        this.instances = instances;
        this.publisher = publisher;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        timer.scheduleWithFixedDelay(this::poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    @EventListener(ContextClosedEvent.class)
    void stop() {
        timer.shutdownNow();
    }

    /** One read of what was appended since the cursor; on the follower's thread (and tests'). */
    synchronized void poll() {
        try {
            if (cursor < 0) {
                // Screens replay history from the log themselves: follow from now on.
                cursor = jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM cutover_event").query(Long.class).single();
            }
            String self = instances.self().id();
            List<Row> rows = jdbc.sql("SELECT * FROM cutover_event WHERE id > ? ORDER BY id LIMIT " + PAGE)
                    .param(cursor)
                    .query((rs, row) -> new Row(events.map(rs, row), rs.getString("instance_id"))).list();
            long now = System.currentTimeMillis();
            for (Row row : rows) {
                if (seenAbove.putIfAbsent(row.event().id(), now) == null && !self.equals(row.instance())) {
                    publisher.publishEvent(new EventAppendedElsewhere(row.event()));
                }
            }
            advance(now);
        } catch (RuntimeException e) {
            log.warn("Could not follow the event log (screens on this instance miss other instances' events until it "
                    + "works again): {}", e.toString());
        }
    }

    private void advance(long now) {
        while (!seenAbove.isEmpty()) {
            if (seenAbove.remove(cursor + 1) != null) {
                cursor++;
                gapSince = 0;
                continue;
            }
            // cursor + 1 is missing while later ids exist: wait for it a while, then give it up
            if (gapSince == 0) {
                gapSince = now;
            }
            if (now - gapSince < GAP_MILLIS) {
                return;
            }
            cursor = java.util.Collections.min(seenAbove.keySet()) - 1; // every missing id below it, at once
            gapSince = 0;
        }
    }

    private record Row(CutoverEvent event, String instance) {
    }
}
