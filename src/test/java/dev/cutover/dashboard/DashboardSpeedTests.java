package dev.cutover.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.cutover.RehearsalForecast;
import dev.cutover.cutover.state.CutoverRepository;
import dev.cutover.testsupport.ServiceTest;
import java.time.Instant;
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

    @Autowired
    RehearsalForecast forecasts;

    @Autowired
    CutoverRepository cutovers;

    @Test
    void renderingTheLivePartsDoesNotReadEveryRehearsalsEventLogEachTime() {
        String id = createCutover("walkthrough");
        api.post("operator", "/api/cutovers/" + id + "/phases/prepare/start", null);
        api.awaitState(id, "READY");
        BrowserSession screen = BrowserSession.login(port, "viewer");
        assertThat(screen.get("/cutovers/" + id).statusCode()).isEqualTo(200);
        dev.cutover.testsupport.Api.sleep(500); // the phase's last events settle
        Instant created = cutovers.find(id).orElseThrow().createdAt();

        // Counted for this page's forecast only: other tests' cutovers, still winding down in the
        // shared service, rightly make their own pages, metrics and reports read theirs meanwhile.
        long before = forecasts.reads("walkthrough", "local", null, created);
        long changesBefore = forecastChanges();
        for (int i = 0; i < 10; i++) {
            assertThat(screen.get("/cutovers/" + id + "/live").statusCode()).isEqualTo(200);
        }
        // A step or a new cutover anywhere rightly makes the forecast read again; nothing else may.
        long changes = forecastChanges() - changesBefore;
        assertThat(before).as("the page's forecast was read when the page opened").isPositive();
        assertThat(forecasts.reads("walkthrough", "local", null, created) - before)
                .as("reads of the rehearsals' step events for 10 renders of an unchanged cutover (%d changes "
                        + "elsewhere meanwhile)", changes)
                .isLessThanOrEqualTo(1 + changes);
    }

    /** Events that make the forecast read again: a cutover created or a step started or ended, of any cutover. */
    private long forecastChanges() {
        return jdbc.sql("SELECT COUNT(*) FROM cutover_event WHERE action IN ('create', 'step')").query(Long.class).single();
    }
}
