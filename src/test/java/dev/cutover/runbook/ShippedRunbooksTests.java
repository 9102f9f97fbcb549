package dev.cutover.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.step.StepTypeCatalog;
import dev.cutover.testsupport.ServiceTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The runbooks shipped under ./runbooks validate against every step type the service has: a catalog of
 * ./runbooks over the shared service's step types, not a Spring context of its own (one less to start).
 */
class ShippedRunbooksTests extends ServiceTest {

    @Autowired
    StepTypeCatalog stepTypes;

    @Test
    void everyShippedRunbookIsValid() {
        RunbookCatalog catalog = new RunbookCatalog(stepTypes, "runbooks");
        assertThat(catalog.list()).extracting(RunbookEntry::name).contains("gcp-to-aws", "rehearsal");
        assertThat(catalog.list()).allSatisfy(entry ->
                assertThat(entry.problems()).as(entry.file()).isEmpty());
        Runbook production = catalog.findValid("gcp-to-aws").orElseThrow();
        Runbook rehearsal = catalog.findValid("rehearsal").orElseThrow();
        List<String> fivePhases = List.of("network-checks", "data-migration", "database-sync", "application-migration",
                "cutover");
        assertThat(production.phases()).extracting(RunbookPhase::name)
                .as("the five phases, traffic shifted and validated by metrics, then retiring the GCP members days later")
                .containsExactlyElementsOf(java.util.stream.Stream.concat(fivePhases.stream(),
                        java.util.stream.Stream.of("traffic-validation", "decommission")).toList());
        assertThat(production.window()).as("the six-hour window").isEqualTo(java.time.Duration.ofHours(6));
        assertThat(rehearsal.window()).as("a few minutes: the steps take ~26 s, people start phases and approve")
                .isBetween(java.time.Duration.ofMinutes(2), java.time.Duration.ofMinutes(15));
        assertThat(rehearsal.phases()).extracting(RunbookPhase::name).as("the same shape, then traffic validated by metrics")
                .containsExactlyElementsOf(java.util.stream.Stream.concat(fivePhases.stream(),
                        java.util.stream.Stream.of("traffic-validation")).toList());
        for (Runbook runbook : List.of(production, rehearsal)) {
            assertThat(runbook.phases()).flatExtracting(RunbookPhase::steps)
                    .allSatisfy(step -> assertThat(step.owner()).as(runbook.name() + " " + step.id()).isNotBlank());
        }
        for (Runbook runbook : List.of(production, rehearsal)) {
            // Issue 17: the independent checks inside the freeze run side by side, and every one of them is kept.
            RunbookPhase window = runbook.phase("cutover").orElseThrow();
            assertThat(window.groups()).as(runbook.name()).containsExactly(
                    new RunbookGroup("fallbacks-and-final-sync", true, List.of("snapshot-orders", "snapshot-catalog",
                            "final-sync")),
                    new RunbookGroup("data-checks", true, List.of("verify-orders", "verify-catalog")));
            assertThat(window.steps()).extracting(RunbookStep::id).as(runbook.name()).containsSubsequence(
                    "go-no-go", "freeze-orders", "freeze-catalog", "snapshot-orders", "snapshot-catalog", "final-sync",
                    "ready-to-switch", "verify-orders", "verify-catalog", "promote-orders", "promote-catalog", "switch-dns");
        }
        assertThat(production.phases()).flatExtracting(RunbookPhase::steps).extracting(step -> step.type())
                .as("real step types, no stand-ins for engines that exist").contains("mysql-promote", "mongo-promote",
                        "dns-switch", "dns-shift", "metric-gate", "cutover-readiness", "write-freeze", "storage-sync");
    }
}
