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
 * every event up to the newest one that occurred more than {@link #SETTLE_AFTER} ago. An insert commits in milliseconds; one that
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

    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final JdbcClient jdbc;
    private final Clock clock;

    EventCounts(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    long count(String cutoverId) {
        // One count at a time per cutover: a burst of first requests for a big log waits for one scan.
        synchronized (locks.computeIfAbsent(cutoverId, id -> new Object())) {
            Instant now = clock.instant();
            Tally tally = tallies.get(cutoverId);
            if (tally == null) {
                // First time: everything that happened a while ago has committed; settle it at once.
                long oldId = jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM cutover_event WHERE cutover_id = ? AND occurred_at < ?")
                        .params(cutoverId, CutoverRepository.ts(now.minus(SETTLE_AFTER))).query(Long.class).single();
                tally = new Tally(oldId, oldId == 0 ? 0 : between(cutoverId, 0, oldId).count(), 0, null);
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

    private Tail between(String cutoverId, long afterId, long throughId) {
        return jdbc.sql("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM cutover_event WHERE cutover_id = ? AND id > ? AND id <= ?")
                .params(cutoverId, afterId, throughId)
                .query((rs, row) -> new Tail(rs.getLong(1), rs.getLong(2))).single();
    }
}
