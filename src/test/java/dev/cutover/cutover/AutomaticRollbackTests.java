package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.cutover.state.CutoverRepository;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12, automatic rollback: a step with {@code onFailure: rollback} (its own, or its phase's)
 * that fails past its retries makes the service roll the cutover back itself, as actor system,
 * through a person's rollback path, while that is still allowed; otherwise the cutover stays FAILED
 * and the event log says why.
 */
class AutomaticRollbackTests extends ServiceTest {

    @Autowired
    CutoverTransitions transitions;

    @Autowired
    CutoverRepository cutovers;

    @Test
    void aFailedStepWithOnFailureRollbackRollsTheCutoverBackByItselfLastFirst() {
        addRunbook("auto-rollback.yaml", runbook("auto-rollback", "", "", "onFailure: rollback"));
        String id = createCutover("auto-rollback");
        JsonNode shown = api.get("viewer", "/api/runbooks/auto-rollback").body().path("phases").get(0);
        assertThat(shown.path("onFailure").asString()).isEqualTo("stop");
        assertThat(shown.path("steps").get(2).path("onFailure").asString()).isEqualTo("rollback");

        start(id, "guarded");

        JsonNode rolledBack = api.awaitState(id, "ROLLED_BACK");
        assertThat(stepState(rolledBack, "a")).isEqualTo("ROLLED_BACK");
        assertThat(stepState(rolledBack, "c")).isEqualTo("ROLLED_BACK");
        assertThat(RUNBOOKS.lines(id + ".trace")).containsExactly("a", "b", "c-attempt", "c-attempt", "undo-c", "undo-b",
                "undo-a");
        List<JsonNode> events = events(id);
        String summary = find(events, "system step failed c").path("message").asString();
        assertThat(summary).isNotBlank();
        JsonNode requested = find(events, "system rollback accepted ");
        assertThat(requested.path("message").asString())
                .isEqualTo("rollback requested by system because step c failed: " + summary);
        assertThat(requested.path("evidence").path("failedStep").asString()).isEqualTo("c");
        JsonNode forward = Api.step(rolledBack, "c").path("output").path("forward");
        assertThat(forward.path("state").asString()).as("what the step did before it was undone").isEqualTo("FAILED");
        assertThat(forward.path("summary").asString()).isEqualTo(summary);
        assertThat(Api.step(rolledBack, "c").path("output").path("summary").asString()).isNotEqualTo(summary);
        assertThat(story(events)).containsSubsequence(
                "operator start-phase accepted ",
                "system step succeeded b",
                "system step retrying c",
                "system step failed c",
                "system phase failed ",
                "system rollback accepted ",
                "system rollback started ",
                "system rollback succeeded c",
                "system rollback succeeded b",
                "system rollback succeeded a",
                "system rollback completed ");
        assertThat(story(events)).filteredOn(line -> line.startsWith("system rollback accepted")).hasSize(1);
    }

    @Test
    void aSecondRequestForTheSameFailureRollsNothingBackAgain() {
        addRunbook("auto-rollback-once.yaml", runbook("auto-rollback-once", "", "", "onFailure: rollback"));
        String id = createCutover("auto-rollback-once");
        start(id, "guarded");
        api.awaitState(id, "ROLLED_BACK");
        long failedExecution = cutovers.find(id).orElseThrow().jobExecutionId();

        // As if the failure were delivered again (a replay, a restarted service): the decision is already recorded.
        transitions.rollbackAfterFailure(id, "c", failedExecution);

        JsonNode notAgain = awaitEvent(id, "system rollback not-requested ");
        assertThat(notAgain.path("message").asString()).contains("the cutover is ROLLED_BACK now");
        Api.sleep(500);
        assertThat(api.get("viewer", "/api/cutovers/" + id).body().path("state").asString()).isEqualTo("ROLLED_BACK");
        assertThat(RUNBOOKS.lines(id + ".trace")).containsExactly("a", "b", "c-attempt", "c-attempt", "undo-c", "undo-b",
                "undo-a");
        assertThat(story(events(id))).filteredOn(line -> line.startsWith("system rollback accepted")).hasSize(1);
    }

    @Test
    void aStepStoppedByAPersonWhileWaitingToRetryIsNotRolledBack() {
        addRunbook("auto-rollback-paused.yaml", runbook("auto-rollback-paused", "", "", "onFailure: rollback")
                .replace("retries: 1", "retries: 3"));
        String id = createCutover("auto-rollback-paused");
        start(id, "guarded");
        awaitEvent(id, "system step retrying c");

        assertThat(api.post("operator", "/api/cutovers/" + id + "/pause", null).status()).isEqualTo(202);

        api.awaitState(id, "PAUSED");
        Api.sleep(1000);
        assertThat(api.get("viewer", "/api/cutovers/" + id).body().path("state").asString()).isEqualTo("PAUSED");
        assertThat(story(events(id))).noneMatch(line -> line.startsWith("system rollback"));
    }

    @Test
    void afterAPointOfNoReturnTheCutoverStaysFailedAndTheEventLogSaysWhy() {
        addRunbook("auto-rollback-late.yaml", runbook("auto-rollback-late", """
                  - name: one-way
                    pointOfNoReturn: true
                    steps:
                      - { id: switch, type: command, with: { run: "echo switch >> @WORK@/$CUTOVER_ID.trace" } }
                """, "", "onFailure: rollback"));
        String id = createCutover("auto-rollback-late");
        start(id, "one-way");
        api.awaitState(id, "READY");

        start(id, "guarded");

        JsonNode failed = api.awaitState(id, "FAILED");
        JsonNode refused = awaitEvent(id, "system rollback refused ");
        assertThat(refused.path("message").asString()).startsWith("automatic rollback refused: phase one-way is a point "
                + "of no return: ").endsWith("; a person must decide");
        assertThat(stepState(failed, "c")).isEqualTo("FAILED");
        Api.sleep(1000);
        assertThat(api.get("viewer", "/api/cutovers/" + id).body().path("state").asString()).isEqualTo("FAILED");
        assertThat(RUNBOOKS.lines(id + ".trace")).containsExactly("switch", "a", "b", "c-attempt", "c-attempt");
        assertThat(story(events(id))).noneMatch(line -> line.startsWith("system rollback accepted"));
    }

    @Test
    void aStepWithoutOnFailureStopsAndWaitsForAPersonAsBefore() {
        addRunbook("no-auto-rollback.yaml", runbook("no-auto-rollback", "", "", ""));
        String id = createCutover("no-auto-rollback");

        start(id, "guarded");

        assertStaysFailedWithoutRollback(id);
        assertThat(story(events(id))).noneMatch(line -> line.contains(" rollback "));
    }

    @Test
    void aPhasesOnFailureRollbackAppliesToItsSteps() {
        addRunbook("phase-auto-rollback.yaml", runbook("phase-auto-rollback", "", "onFailure: rollback", ""));
        String id = createCutover("phase-auto-rollback");

        start(id, "guarded");

        api.awaitState(id, "ROLLED_BACK");
        assertThat(RUNBOOKS.lines(id + ".trace")).endsWith("undo-c", "undo-b", "undo-a");
    }

    @Test
    void aStepsOwnOnFailureStopOverridesItsPhases() {
        addRunbook("phase-auto-rollback-overridden.yaml",
                runbook("phase-auto-rollback-overridden", "", "onFailure: rollback", "onFailure: stop"));
        String id = createCutover("phase-auto-rollback-overridden");

        start(id, "guarded");

        assertStaysFailedWithoutRollback(id);
    }

    private void assertStaysFailedWithoutRollback(String id) {
        JsonNode failed = api.awaitState(id, "FAILED");
        assertThat(failed.path("allowedActions").toString()).contains("restart-phase", "rollback");
        Api.sleep(1500);
        assertThat(api.get("viewer", "/api/cutovers/" + id).body().path("state").asString()).isEqualTo("FAILED");
        assertThat(RUNBOOKS.lines(id + ".trace")).containsExactly("a", "b", "c-attempt", "c-attempt");
        assertThat(story(events(id))).noneMatch(line -> line.startsWith("system rollback"));
    }

    /**
     * A runbook whose phase {@code guarded} runs a, b, then c, a command that exits 1 twice
     * ({@code retries: 1}); each step's rollback writes a marker line to the cutover's trace file.
     */
    private static String runbook(String name, String earlierPhases, String phaseOnFailure, String stepOnFailure) {
        return """
                name: %s
                environments:
                  local: { connections: {} }
                phases:
                %s  - name: guarded
                    %s
                    steps:
                      - id: a
                        type: command
                        with: { run: "echo a >> @WORK@/$CUTOVER_ID.trace" }
                        rollback: { type: command, with: { run: "echo undo-a >> @WORK@/$CUTOVER_ID.trace" } }
                      - id: b
                        type: command
                        with: { run: "echo b >> @WORK@/$CUTOVER_ID.trace" }
                        rollback: { type: command, with: { run: "echo undo-b >> @WORK@/$CUTOVER_ID.trace" } }
                      - id: c
                        type: command
                        retries: 1
                        %s
                        with: { run: "echo c-attempt >> @WORK@/$CUTOVER_ID.trace; echo 'the error rate is 7%%' >&2; exit 1" }
                        rollback: { type: command, with: { run: "echo undo-c >> @WORK@/$CUTOVER_ID.trace" } }
                """.formatted(name, earlierPhases, phaseOnFailure, stepOnFailure);
    }

    private void start(String id, String phase) {
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/" + phase + "/start", "").status()).isEqualTo(202);
    }

    private List<JsonNode> events(String id) {
        List<JsonNode> events = new ArrayList<>();
        api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").body().path("events").forEach(events::add);
        return events;
    }

    private JsonNode awaitEvent(String id, String line) {
        for (int i = 0; i < 100; i++) {
            for (JsonNode event : events(id)) {
                if (line(event).equals(line)) {
                    return event;
                }
            }
            Api.sleep(100);
        }
        throw new AssertionError("no event '" + line + "' in " + story(events(id)));
    }

    private static JsonNode find(List<JsonNode> events, String line) {
        return events.stream().filter(event -> line(event).equals(line)).findFirst()
                .orElseThrow(() -> new AssertionError("no event '" + line + "' in " + story(events)));
    }

    private static List<String> story(List<JsonNode> events) {
        return events.stream().map(AutomaticRollbackTests::line).toList();
    }

    private static String line(JsonNode event) {
        return event.path("actor").asString() + " " + event.path("action").asString() + " "
                + event.path("outcome").asString() + " " + event.path("stepId").asString("");
    }
}
