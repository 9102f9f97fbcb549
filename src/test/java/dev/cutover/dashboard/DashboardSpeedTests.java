package dev.cutover.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.ServiceTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What an open page costs the service (bench/dashboard.sh measures it; these keep it from coming
 * back). Fifty wall screens each re-fetch the live fragment on every event, so whatever one render
 * reads is read fifty times per event.
 */
class DashboardSpeedTests extends ServiceTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void renderingTheLivePartsDoesNotReadEveryRehearsalsEventLogEachTime() {
        String id = createCutover("walkthrough");
        api.post("operator", "/api/cutovers/" + id + "/phases/prepare/start", null);
        api.awaitState(id, "READY");
        BrowserSession screen = BrowserSession.login(port, "viewer");
        assertThat(screen.get("/cutovers/" + id).statusCode()).isEqualTo(200);
        dev.cutover.testsupport.Api.sleep(500); // the phase's last events settle

        jdbc.sql("SET QUERY_STATISTICS_MAX_ENTRIES 100000").update();
        jdbc.sql("SET QUERY_STATISTICS TRUE").update();
        try {
            long before = forecastReads();
            long changesBefore = forecastChanges();
            for (int i = 0; i < 10; i++) {
                assertThat(screen.get("/cutovers/" + id + "/live").statusCode()).isEqualTo(200);
            }
            // A step or a new cutover anywhere (another test's cutover still winding down in the shared
            // service) rightly makes the forecast read again; nothing else may.
            long changes = forecastChanges() - changesBefore;
            assertThat(forecastReads() - before)
                    .as("reads of the rehearsals' step events for 10 renders of an unchanged cutover (%d changes "
                            + "elsewhere meanwhile)", changes)
                    .isLessThanOrEqualTo(1 + changes);
        } finally {
            jdbc.sql("SET QUERY_STATISTICS FALSE").update();
        }
    }

    /** Events that make the forecast read again: a cutover created or a step started or ended, of any cutover. */
    private long forecastChanges() {
        return jdbc.sql("SELECT COUNT(*) FROM cutover_event WHERE action IN ('create', 'step')").query(Long.class).single();
    }

    /** How often the rehearsal forecast's read of the event log ran, from H2's statistics. */
    private long forecastReads() {
        List<Long> counts = jdbc.sql("SELECT EXECUTION_COUNT FROM INFORMATION_SCHEMA.QUERY_STATISTICS "
                + "WHERE SQL_STATEMENT LIKE '%FROM cutover_event e%JOIN cutover c%'").query(Long.class).list();
        return counts.stream().mapToLong(Long::longValue).sum();
    }
}
