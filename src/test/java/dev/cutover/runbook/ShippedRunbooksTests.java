package dev.cutover.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** The runbooks shipped under ./runbooks validate against every step type the service has. */
@SpringBootTest(properties = {
        "cutover.runbooks.location=runbooks", "spring.datasource.url=jdbc:h2:mem:shipped-runbooks",
        "cutover.scheduling.enabled=false" })
class ShippedRunbooksTests {

    @Autowired
    RunbookCatalog catalog;

    @Test
    void everyShippedRunbookIsValid() {
        assertThat(catalog.list()).extracting(RunbookEntry::name).contains("gcp-to-aws", "rehearsal");
        assertThat(catalog.list()).allSatisfy(entry ->
                assertThat(entry.problems()).as(entry.file()).isEmpty());
        Runbook production = catalog.findValid("gcp-to-aws").orElseThrow();
        assertThat(production.phases()).extracting(RunbookPhase::name).containsExactly("network-checks",
                "data-migration", "database-sync", "application-migration", "cutover");
    }
}
