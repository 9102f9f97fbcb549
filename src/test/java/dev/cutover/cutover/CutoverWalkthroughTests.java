package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import dev.cutover.testsupport.TestRunbooks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The README's walk-through over real HTTP: create a rehearsal, run a command phase, pass a manual
 * gate as approver (an operator is refused), complete, roll back; the event log names each actor.
 */
class CutoverWalkthroughTests extends ServiceTest {

    @Test
    void rehearsalRunsApprovesCompletesAndRollsBackWithEveryActorLogged() {
        Api.Answer created = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"walkthrough\",\"environment\":\"local\",\"rehearsal\":true}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.body().path("id").asString();
        assertThat(created.location()).isEqualTo("/api/cutovers/" + id);
        assertThat(created.body().path("state").asString()).isEqualTo("READY");
        assertThat(created.body().path("rehearsal").asBoolean()).isTrue();

        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/prepare/start", null).status()).isEqualTo(202);
        JsonNode afterPrepare = api.awaitState(id, "READY");
        assertThat(stepState(afterPrepare, "write-marker")).isEqualTo("SUCCEEDED");
        assertThat(RUNBOOKS.lines(id + ".prepared")).containsExactly("prepared");

        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/go/start", null).status()).isEqualTo(202);
        JsonNode waiting = api.awaitState(id, "AWAITING_APPROVAL");
        assertThat(waiting.path("allowedActions").toString()).contains("approve", "rollback");

        Api.Answer byOperator = api.post("operator", "/api/cutovers/" + id + "/steps/go-no-go/approve",
                "{\"comment\":\"go\",\"checkedItems\":[\"snapshot taken\",\"TTL is 60 s\"]}");
        assertThat(byOperator.status()).isEqualTo(403);
        assertThat(byOperator.contentType()).startsWith("application/problem+json");

        Api.Answer incomplete = api.post("approver", "/api/cutovers/" + id + "/steps/go-no-go/approve",
                "{\"comment\":\"go\",\"checkedItems\":[\"snapshot taken\"]}");
        assertThat(incomplete.status()).isEqualTo(422);
        assertThat(incomplete.body().path("missing").toString()).contains("TTL is 60 s");

        Api.Answer approved = api.post("approver", "/api/cutovers/" + id + "/steps/go-no-go/approve",
                "{\"comment\":\"go for cutover\",\"checkedItems\":[\"snapshot taken\",\"TTL is 60 s\"]}");
        assertThat(approved.status()).isEqualTo(200);

        JsonNode completed = api.awaitState(id, "COMPLETED");
        assertThat(stepState(completed, "freeze")).isEqualTo("SUCCEEDED");
        assertThat(RUNBOOKS.work().resolve(id + ".frozen")).exists();
        assertThat(completed.path("allowedActions").toString()).isEqualTo("[\"rollback\"]");

        assertThat(api.post("operator", "/api/cutovers/" + id + "/rollback", null).status()).isEqualTo(403);
        assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", null).status()).isEqualTo(202);
        JsonNode rolledBack = api.awaitState(id, "ROLLED_BACK");
        assertThat(stepState(rolledBack, "freeze")).isEqualTo("ROLLED_BACK");
        assertThat(RUNBOOKS.work().resolve(id + ".frozen")).doesNotExist();
        assertThat(RUNBOOKS.lines(id + ".prepared")).containsExactly("prepared", "undone");

        List<String> story = new ArrayList<>();
        for (JsonNode event : api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").body().path("events")) {
            story.add(event.path("actor").asString() + " " + event.path("action").asString() + " "
                    + event.path("outcome").asString() + " " + event.path("stepId").asString(""));
        }
        assertThat(story).containsSubsequence(
                "operator create succeeded ",
                "operator start-phase accepted ",
                "system step succeeded write-marker",
                "system approval requested go-no-go",
                "approver approve succeeded go-no-go",
                "system step succeeded freeze",
                "approver rollback accepted ",
                "system rollback succeeded freeze",
                "system rollback succeeded write-marker",
                "system rollback completed ");
        // The rollback ran the inverses last-first.
        assertThat(story.indexOf("system rollback succeeded freeze"))
                .isLessThan(story.indexOf("system rollback succeeded write-marker"));
    }

    @Test
    void secretValuesNeverReachEventsOrResponses() {
        String id = createCutover("walkthrough");
        api.post("operator", "/api/cutovers/" + id + "/phases/prepare/start", null);
        api.awaitState(id, "READY");
        api.post("operator", "/api/cutovers/" + id + "/phases/go/start", null);
        api.awaitState(id, "AWAITING_APPROVAL");
        api.post("approver", "/api/cutovers/" + id + "/steps/go-no-go/approve",
                "{\"checkedItems\":[\"snapshot taken\",\"TTL is 60 s\"]}");
        JsonNode completed = api.awaitState(id, "COMPLETED");

        String events = api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").text();
        String runbook = api.get("viewer", "/api/runbooks/walkthrough").text();
        // The freeze command echoed the secret token: it is masked in its output and evidence.
        assertThat(completed.toString()).contains("token is ******").doesNotContain(TestRunbooks.SECRET);
        assertThat(events).contains("token is ******").doesNotContain(TestRunbooks.SECRET);
        assertThat(runbook).contains("${file:").doesNotContain(TestRunbooks.SECRET);
    }
}
