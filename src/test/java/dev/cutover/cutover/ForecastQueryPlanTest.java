package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.MigratedH2;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 (load): the forecast reads the step events of earlier rehearsals through the index
 * (cutover_id, action, id) of migration V16, each rehearsal's step events a range of it, rather than
 * every event of those cutovers filtered by action.
 */
class ForecastQueryPlanTest {

    @Test
    void theForecastReadsEachRehearsalsStepEventsAsARangeOfTheIndexByCutoverAndAction() {
        MigratedH2 database = MigratedH2.create();
        database.events(List.of(database.cutover("load", true), database.cutover("load", true),
                database.cutover("load", false)), 500);

        String plan = database.explain(RehearsalForecast.REHEARSAL_STEP_EVENTS, "load", "local",
                Timestamp.from(Instant.now().plusSeconds(60)));

        assertThat(plan).as(plan).contains("CUTOVER_EVENT_BY_CUTOVER_ACTION: CUTOVER_ID = C.ID")
                .contains("ACTION = 'step'");
    }
}
