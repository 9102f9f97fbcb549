package dev.cutover.cutover.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.MigratedH2;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 (load): {@code GET /api/cutovers/{id}/events} answers the cutover's total number of
 * events. Counting them for every page read every event of the cutover each time (100,000 in
 * bench/load.sh); {@link EventCounts} keeps a settled total per cutover and counts only the events
 * after it. An id is settled once it has been seen a while ago (ids do not commit in order, but an
 * insert commits within moments), so a late commit below the newest id is still counted.
 */
class EventCountsTest {

    private final MigratedH2 database = MigratedH2.create();
    private Instant now = Instant.parse("2026-12-03T06:00:00Z");
    private final EventCounts counts = new EventCounts(database.jdbc(), new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }, new LongReads());

    @Test
    void aSettledTotalIsNotCountedAgainOnlyTheEventsAfterIt() {
        String busy = database.cutover("load", false);
        String other = database.cutover("load", false);
        database.events(List.of(busy, other), 300);
        assertThat(counts.count(busy)).isEqualTo(300);

        now = now.plus(EventCounts.SETTLE_AFTER);
        assertThat(counts.count(busy)).isEqualTo(300); // settles everything seen a while ago
        database.events(List.of(busy), 7);
        // Moves one of the other cutover's events, an id inside the settled range, to the busy one (only a
        // test updates the log): a total counted over the cutover's whole log again would include it.
        database.jdbc().sql("""
                UPDATE cutover_event SET cutover_id = ?
                WHERE id = (SELECT MIN(id) FROM cutover_event WHERE cutover_id = ?)""").params(busy, other).update();

        assertThat(counts.count(busy)).as("the settled 300 plus the 7 appended since").isEqualTo(307);
        assertThat(counts.count(other)).as("counted for the first time").isEqualTo(299);
    }

    @Test
    void theFirstCountOfACutoverSettlesAtOnceEveryEventThatOccurredAWhileAgo() {
        String archived = database.cutover("load", false);
        String other = database.cutover("load", false);
        database.events(List.of(archived, other), 200);
        now = Instant.now().plus(EventCounts.SETTLE_AFTER).plusSeconds(60); // the events are old by now
        assertThat(counts.count(archived)).isEqualTo(200);

        database.jdbc().sql("""
                UPDATE cutover_event SET cutover_id = ?
                WHERE id = (SELECT MIN(id) FROM cutover_event WHERE cutover_id = ?)""").params(archived, other).update();

        assertThat(counts.count(archived)).as("settled by the first count, not counted again").isEqualTo(200);
    }
}
