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
     * The total shown with every page is one row whatever the size of the cutover's log. Counting the
     * cutover's events read every one of them (H2 cannot count from the index alone): 500 here, 100,000
     * in bench/load.sh, seconds each while the cutover's pages waited.
     */
    @Test
    void theTotalOfACutoverIsOneRowRead() {
        String plan = database.explainAnalyze(EventLog.TOTAL, cutovers.get(1));

        assertThat(plan).as(plan).contains("PRIMARY_KEY").contains("CUTOVER_ID = ?1");
        assertThat(scanCount(plan)).as(plan).isLessThanOrEqualTo(2); // H2 counts the probe and the row
        assertThat(database.jdbc().sql(EventLog.TOTAL).param(cutovers.get(1)).query(Long.class).single())
                .isEqualTo(500);
    }

    private static int scanCount(String plan) {
        java.util.regex.Matcher count = java.util.regex.Pattern.compile("scanCount: (\\d+)").matcher(plan);
        assertThat(count.find()).as(plan).isTrue();
        return Integer.parseInt(count.group(1));
    }
}
