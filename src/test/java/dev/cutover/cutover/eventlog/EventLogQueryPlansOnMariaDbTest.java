package dev.cutover.cutover.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.MigratedMariaDb;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 (load), the profile {@code mysql} twin of {@link EventLogQueryPlansTest}: on the test
 * stack's MariaDB a page of one cutover's events is a range of the index (cutover_id, id) read in its
 * order (no filesort), so its cost does not grow with the log; the cutover's total is one row.
 */
class EventLogQueryPlansOnMariaDbTest {

    private static MigratedMariaDb database;
    private static List<String> cutovers;

    @BeforeAll
    static void aLogOfSeveralCutovers() {
        database = MigratedMariaDb.shared();
        cutovers = List.of(database.cutover("load", false), database.cutover("load", false),
                database.cutover("load", true));
        database.events(cutovers, 2000);
    }

    @Test
    void aPageOfEventsIsARangeOfTheIndexByCutoverAndIdReadInItsOrder() {
        List<Map<String, Object>> plan = database.explain(EventLog.PAGE, cutovers.get(1), 100, 100);

        assertThat(plan).as(plan.toString()).singleElement().satisfies(row -> {
            assertThat(row.get("key")).isEqualTo("cutover_event_by_cutover");
            assertThat(row.get("type")).isIn("ref", "range");
            assertThat(String.valueOf(row.get("Extra"))).doesNotContain("filesort");
        });
    }

    @Test
    void theTotalOfACutoverIsOneRowOfItsPrimaryKey() {
        List<Map<String, Object>> plan = database.explain(EventLog.TOTAL, cutovers.get(1));

        assertThat(plan).as(plan.toString()).singleElement().satisfies(row -> {
            assertThat(row.get("key")).isEqualTo("PRIMARY");
            assertThat(row.get("type")).isEqualTo("const");
        });
        assertThat(database.jdbc().sql(EventLog.TOTAL).param(cutovers.get(1)).query(Long.class).single())
                .isEqualTo(2000);
    }
}
