package dev.cutover.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A rehearsal's projected end is forecast from the rehearsals before it: its own finished steps
 * (and later runs) must not count as "previous rehearsals", or the page would claim a basis it has not.
 */
class ProjectionOwnRunTests extends ServiceTest {

    private static final String RUNBOOK = """
            name: projection-own-run
            description: two quick phases
            environments:
              local: { connections: {} }
            phases:
              - name: first
                steps:
                  - { id: a, type: wait, owner: ops, with: { duration: 50ms } }
              - name: second
                steps:
                  - { id: b, type: wait, owner: ops, with: { duration: 50ms } }
            """;

    @Autowired
    CutoverPages pages;

    @Test
    void aRehearsalInProgressIsForecastFromTheRehearsalsBeforeItNotFromItself() {
        addRunbook("projection-own-run.yaml", RUNBOOK);
        for (int i = 0; i < 2; i++) {
            String earlier = createCutover("projection-own-run");
            runPhase(earlier, "first");
            runPhase(earlier, "second");
            api.awaitState(earlier, "COMPLETED");
        }
        String now = createCutover("projection-own-run");
        runPhase(now, "first");

        CutoverPage.Projection projection = pages.page(now, new Roles("viewer", false, false)).projection();

        assertThat(projection.rehearsals()).isEqualTo(2);
        assertThat(projection.basis()).startsWith("from 2 rehearsal(s)");
    }

    /** The page and the report read the runbook the cutover pinned, not the catalog's file of that name. */
    @Test
    void theProjectionAndTheReportComeFromThePinnedRunbookAfterTheFileTurnedInvalid() {
        String runbook = RUNBOOK.replace("projection-own-run", "pinned-forecast");
        addRunbook("pinned-forecast.yaml", runbook);
        String earlier = createCutover("pinned-forecast");
        runPhase(earlier, "first");
        runPhase(earlier, "second");
        String now = createCutover("pinned-forecast");
        runPhase(now, "first");

        addRunbook("pinned-forecast.yaml", "name: pinned-forecast\nphases: [\n");

        CutoverPage.Projection projection = pages.page(now, new Roles("viewer", false, false)).projection();
        assertThat(projection.basis()).startsWith("from 1 rehearsal(s)");
        assertThat(api.get("viewer", "/api/cutovers/" + now + "/report").body().path("header").path("forecastBasis")
                .asString()).startsWith("p50 and p90 from 1 earlier rehearsal");
    }

    private void runPhase(String id, String phase) {
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/" + phase + "/start", null).status())
                .isEqualTo(202);
        api.awaitState(id, phase.equals("second") ? "COMPLETED" : "READY");
    }
}
