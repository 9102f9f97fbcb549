package dev.cutover.cutover.eventlog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import dev.cutover.cutover.state.CutoverRepository;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How many events each cutover's log holds, without counting the whole of it for every page that
 * reports the total: a settled total per cutover (every event up to some id) plus a count of the
 * events after that id, which is a short range of the index (cutover_id, id).
 * <p>
 * Ids do not commit in order (another instance, or a slower insert, may commit a smaller id a moment
 * later), so the newest id seen is settled only {@link #SETTLE_AFTER} after it was seen: the events
 * up to it are counted once more then, and never again. The first count of a cutover settles at once
 * every event when the newest one occurred more than {@link #SETTLE_AFTER} ago. An insert commits in milliseconds; one that
 * took longer than that would be left out of the total (the events themselves are all still there).
 * Several instances each keep their own totals; the log is append-only, so no total goes stale.
 */
class EventCounts {

    static final Duration SETTLE_AFTER = Duration.ofSeconds(10);

    /** Every event of the cutover with an id up to {@code settledId} is in {@code settled}; {@code seenId} awaits settling. */
    private record Tally(long settledId, long settled, long seenId, Instant seenAt) {
    }

    private record Tail(long count, long maxId) {
    }

    /**
     * The cutover's newest event: the last entry of its range of the index (cutover_id, id), read
     * backwards. Named, because H2 otherwise picks the foreign key's index (cutover_id) and reads every
     * event of the cutover to find the largest id; {@code USE INDEX} means the same on MariaDB/MySQL.
     */
    static final String NEWEST = "SELECT id, occurred_at FROM cutover_event USE INDEX (cutover_event_by_cutover) "
            + "WHERE cutover_id = ? ORDER BY cutover_id DESC, id DESC LIMIT 1";
    static final String BETWEEN =
            "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM cutover_event WHERE cutover_id = ? AND id > ? AND id <= ?";

    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final JdbcClient jdbc;
    private final Clock clock;
    private final LongReads longReads;

    EventCounts(JdbcClient jdbc, Clock clock, LongReads longReads) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.longReads = longReads;
    }

    long count(String cutoverId) {
        // One count at a time per cutover: a burst of first requests for a big log waits for one scan.
        synchronized (locks.computeIfAbsent(cutoverId, id -> new Object())) {
            Instant now = clock.instant();
            Tally tally = tallies.get(cutoverId);
            if (tally == null) {
                tally = first(cutoverId, now);
            } else if (tally.seenAt() != null && !now.isBefore(tally.seenAt().plus(SETTLE_AFTER))) {
                long more = between(cutoverId, tally.settledId(), tally.seenId()).count();
                tally = new Tally(tally.seenId(), tally.settled() + more, 0, null);
            }
            Tail tail = between(cutoverId, tally.settledId(), Long.MAX_VALUE);
            if (tally.seenAt() == null && tail.maxId() > tally.settledId()) {
                tally = new Tally(tally.settledId(), tally.settled(), tail.maxId(), now);
            }
            tallies.put(cutoverId, tally);
            return tally.settled() + tail.count();
        }
    }

    /**
     * The first count of a cutover: when its newest event occurred a while ago (an archived cutover),
     * everything up to it has committed and is settled at once; otherwise nothing is settled yet and
     * the newest id is seen now, to settle {@link #SETTLE_AFTER} later. Finding the newest event is one
     * entry at the end of the index range (cutover_id, id): asking for the newest event that occurred
     * a while ago read every event of the cutover instead (occurred_at is not in the index), seconds
     * for 100,000 events while every page of that cutover waited for it (bench/load.sh).
     */
    private Tally first(String cutoverId, Instant now) {
        Newest newest = jdbc.sql(NEWEST).params(cutoverId)
                .query((rs, row) -> new Newest(rs.getLong(1), CutoverRepository.instant(rs, "occurred_at")))
                .optional().orElse(null);
        if (newest == null) {
            return new Tally(0, 0, 0, null);
        }
        if (newest.occurredAt().isBefore(now.minus(SETTLE_AFTER))) {
            // The whole log of the cutover, once: one of the few long reads at once (LongReads).
            return new Tally(newest.id(), longReads.read(() -> between(cutoverId, 0, newest.id())).count(), 0, null);
        }
        return new Tally(0, 0, newest.id(), now);
    }

    private record Newest(long id, Instant occurredAt) {
    }

    private Tail between(String cutoverId, long afterId, long throughId) {
        return jdbc.sql(BETWEEN)
                .params(cutoverId, afterId, throughId)
                .query((rs, row) -> new Tail(rs.getLong(1), rs.getLong(2))).single();
    }
}
