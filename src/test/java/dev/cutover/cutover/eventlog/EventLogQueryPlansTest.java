package dev.cutover.cutover.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.MigratedH2;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 (load): a page of one cutover's events is a range of the index (cutover_id, id) read in
 * index order, never a scan of the whole log sorted afterwards, so it costs the same at a million
 * events (bench/load.sh) as at a thousand. H2's EXPLAIN names the index and says "index sorted".
 */
class EventLogQueryPlansTest {

    private static MigratedH2 database;
    private static List<String> cutovers;

    @BeforeAll
    static void aLogOfSeveralCutovers() {
        database = MigratedH2.create();
        cutovers = List.of(database.cutover("load", false), database.cutover("load", false),
                database.cutover("load", true));
        database.events(cutovers, 500);
    }

    @Test
    void aPageOfEventsIsARangeOfTheIndexByCutoverAndIdReadInItsOrder() {
        String plan = database.explain(EventLog.PAGE, cutovers.get(1), 100, 100);

        assertThat(plan).as(plan).contains("CUTOVER_EVENT_BY_CUTOVER: CUTOVER_ID = ?1").contains("ID > ?2")
                .contains("/* index sorted */");
    }

    /**
     * The first count of a cutover looks at its newest event: one entry read, whatever the size of the
     * log. It asked for the newest event that occurred a while ago, which read all 500 events of the
     * cutover here (100,000 in bench/load.sh, seconds each while the cutover's pages waited).
     */
    @Test
    void theNewestEventOfACutoverIsTheLastEntryOfItsRangeOfTheIndex() {
        String plan = database.explainAnalyze(EventCounts.NEWEST, cutovers.get(1));

        assertThat(plan).as(plan).contains("CUTOVER_EVENT_BY_CUTOVER: CUTOVER_ID = ?1").contains("/* index sorted */");
        assertThat(scanCount(plan)).as(plan).isLessThanOrEqualTo(2);
    }

    @Test
    void eventsCountedAfterASettledTotalAreARangeOfTheIndex() {
        String plan = database.explainAnalyze(EventCounts.BETWEEN, cutovers.get(1), 1400, 1500);

        assertThat(plan).as(plan).contains("CUTOVER_EVENT_BY_CUTOVER: ").contains("CUTOVER_ID = ?1")
                .contains("ID > ?2").contains("ID <= ?3");
        assertThat(scanCount(plan)).as(plan).isLessThanOrEqualTo(40);
    }

    private static int scanCount(String plan) {
        java.util.regex.Matcher count = java.util.regex.Pattern.compile("scanCount: (\\d+)").matcher(plan);
        assertThat(count.find()).as(plan).isTrue();
        return Integer.parseInt(count.group(1));
    }
}
