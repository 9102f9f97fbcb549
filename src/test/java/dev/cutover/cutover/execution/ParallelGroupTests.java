package dev.cutover.cutover.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.cutover.CutoverTransitions;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A {@code parallel: true} group runs its steps at the same time, each its own step; a failure of
 * one stops the others and fails the phase naming it; a restart runs only the steps that did not
 * complete; a rollback undoes steps in the reverse order they ended, as its preview said.
 */
class ParallelGroupTests extends ServiceTest {

    @Autowired
    CutoverTransitions transitions;

    private static final String UNDO = "{ type: command, with: { run: \"echo %s >> @WORK@/$CUTOVER_ID.undo\" } }";

    private static String traced(String id, String sleep) {
        return "{ id: %s, type: command, with: { run: \"sleep %s; echo %s >> @WORK@/$CUTOVER_ID.ran\" }, rollback: %s }"
                .formatted(id, sleep, id, UNDO.formatted(id));
    }

    @Test
    void siblingsOverlapInTimeAndARollbackUndoesThemLastEndedFirst() {
        addRunbook("parallel-ok.yaml", """
                name: parallel-ok
                environments:
                  local: { connections: {} }
                phases:
                  - name: checks
                    steps:
                      - %s
                      - group: while-frozen
                        parallel: true
                        steps:
                          - %s
                          - %s
                      - %s
                  - name: later
                    steps:
                      - { id: later-note, type: command, with: { run: "true" } }
                """.formatted(traced("freeze", "0"), traced("slow-check", "0.8"), traced("quick-check", "0.3"),
                traced("promote", "0")));
        String id = createCutover("parallel-ok");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/checks/start", "").status()).isEqualTo(202);
        JsonNode ready = api.awaitState(id, "READY");

        JsonNode slow = Api.step(ready, "slow-check");
        JsonNode quick = Api.step(ready, "quick-check");
        assertThat(slow.path("parallelGroup").asString()).isEqualTo("while-frozen");
        assertThat(Api.step(ready, "freeze").path("parallelGroup").isNull()).isTrue();
        assertThat(at(quick, "startedAt")).as("siblings overlap").isBefore(at(slow, "endedAt"));
        assertThat(at(slow, "startedAt")).as("siblings overlap").isBefore(at(quick, "endedAt"));
        assertThat(at(Api.step(ready, "promote"), "startedAt")).as("the next step waits for the whole group")
                .isAfterOrEqualTo(at(slow, "endedAt"));
        assertThat(RUNBOOKS.lines(id + ".ran")).containsExactly("freeze", "quick-check", "slow-check", "promote");

        List<String> preview = transitions.rollbackPreview(id).stepsToUndo();
        assertThat(preview).containsExactly("promote", "slow-check", "quick-check", "freeze");
        assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", "").status()).isEqualTo(202);
        api.awaitState(id, "ROLLED_BACK");
        assertThat(RUNBOOKS.lines(id + ".undo")).as("the rollback runs the order its preview showed").isEqualTo(preview);
    }

    @Test
    void aFailedSiblingStopsTheOthersFailsThePhaseByNameAndARestartRunsOnlyWhatDidNotComplete() {
        addRunbook("parallel-fails.yaml", """
                name: parallel-fails
                environments:
                  local: { connections: {} }
                phases:
                  - name: checks
                    steps:
                      - group: while-frozen
                        parallel: true
                        steps:
                          - { id: long-check, type: wait, with: { duration: 3s } }
                          - { id: broken-check, type: command, with: { run: "sleep 0.3; test -e @WORK@/$CUTOVER_ID.fixed" } }
                          - %s
                      - { id: after, type: command, with: { run: "true" } }
                  - name: later
                    steps:
                      - { id: later-step, type: command, with: { run: "true" } }
                """.formatted(traced("quick-check", "0")));
        String id = createCutover("parallel-fails");
        long started = System.nanoTime();
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/checks/start", "").status()).isEqualTo(202);
        JsonNode failed = api.awaitState(id, "FAILED");
        assertThat((System.nanoTime() - started) / 1_000_000).as("the long sibling gave way at once").isLessThan(2500);

        assertThat(stepState(failed, "broken-check")).isEqualTo("FAILED");
        assertThat(stepState(failed, "long-check")).isEqualTo("STOPPED");
        assertThat(Api.step(failed, "long-check").path("output").path("summary").asString())
                .startsWith("stopped because broken-check failed");
        assertThat(stepState(failed, "quick-check")).isEqualTo("SUCCEEDED");
        assertThat(stepState(failed, "after")).isEqualTo("PENDING");
        JsonNode events = api.get("viewer", "/api/cutovers/" + id + "/events").body();
        assertThat(events.toString()).contains("phase checks failed at step broken-check");

        RUNBOOKS.touch(id + ".fixed");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/checks/restart", "").status()).isEqualTo(202);
        JsonNode ready = api.awaitState(id, "READY");
        assertThat(stepState(ready, "long-check")).isEqualTo("SUCCEEDED");
        assertThat(stepState(ready, "broken-check")).isEqualTo("SUCCEEDED");
        assertThat(stepState(ready, "after")).isEqualTo("SUCCEEDED");
        assertThat(RUNBOOKS.lines(id + ".ran")).as("the sibling that had completed did not run again")
                .containsExactly("quick-check");
        assertThat(Api.step(ready, "quick-check").path("attempts").asInt()).isEqualTo(1);
    }

    private static Instant at(JsonNode step, String field) {
        return Instant.parse(step.path(field).asString());
    }
}
