package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, defect 10: a cutover, its steps and its first event are written together or not at
 * all. The second step's owner is longer than its column, so the write fails half-way, as a crash
 * between the inserts would leave it.
 */
class CutoverCreationIsAtomicTests extends ServiceTest {

    @Test
    void aCutoverWhoseStepsCannotAllBeWrittenLeavesNothingBehind() {
        addRunbook("half-written.yaml", """
                name: half-written
                environments:
                  local: { connections: {} }
                phases:
                  - name: only
                    steps:
                      - { id: first, type: wait, with: { duration: 1s } }
                      - { id: second, type: wait, owner: "%s", with: { duration: 1s } }
                """.formatted("o".repeat(150)));

        Api.Answer created = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"half-written\",\"environment\":\"local\",\"rehearsal\":true}");
        assertThat(created.status()).isGreaterThanOrEqualTo(400);

        Api.Answer list = api.get("viewer", "/api/cutovers?limit=500");
        list.body().forEach(cutover -> assertThat(cutover.path("runbook").asString()).isNotEqualTo("half-written"));
    }
}
