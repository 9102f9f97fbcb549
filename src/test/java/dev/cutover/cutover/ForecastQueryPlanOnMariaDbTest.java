package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.MigratedMariaDb;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 (load), the profile {@code mysql} twin of {@link ForecastQueryPlanTest}: on the test
 * stack's MariaDB the forecast reads each earlier rehearsal's step events through the index
 * (cutover_id, action, id) of migration V16, not every event of those cutovers.
 */
class ForecastQueryPlanOnMariaDbTest {

    @Test
    void theForecastReadsEachRehearsalsStepEventsThroughTheIndexByCutoverAndAction() {
        MigratedMariaDb database = MigratedMariaDb.shared();
        database.events(List.of(database.cutover("forecast-plan", true), database.cutover("forecast-plan", true),
                database.cutover("forecast-plan", false)), 2000);

        List<Map<String, Object>> plan = database.explain(RehearsalForecast.REHEARSAL_STEP_EVENTS, "forecast-plan",
                "local", Timestamp.from(Instant.now().plusSeconds(60)));

        assertThat(plan).as(plan.toString()).filteredOn(row -> "e".equals(row.get("table"))).singleElement()
                .satisfies(row -> {
                    assertThat(row.get("key")).isEqualTo("cutover_event_by_cutover_action");
                    assertThat(row.get("type")).isIn("ref", "range");
                });
    }
}
