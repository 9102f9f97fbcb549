package dev.cutover.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The runbook API: listing with problems, and validation of a posted runbook with file:line:column. */
class RunbookApiTests extends ServiceTest {

    private static final String THREE_MISTAKES = """
            name: three-mistakes
            environments:
              local: { connections: {} }
            phases:
              - name: one
                steps:
                  - id: a
                    type: comand
                    with: { run: "true" }
                  - id: b
                    type: command
                    timeout: 5 minutes
                    with: { run: "true" }
                  - id: c
                    type: wait
                    with: {}
            """;

    @Test
    void reloadPicksUpARunbookAddedAfterStartAndNeedsAnOperator() {
        RUNBOOKS.add("added-later.yaml", """
                name: added-later
                environments: { local: { connections: {} } }
                phases:
                  - name: only
                    steps: [ { id: a, type: wait, with: { duration: 1ms } } ]
                """);
        assertThat(api.get("viewer", "/api/runbooks/added-later").status()).isEqualTo(404);
        assertThat(api.post("viewer", "/api/runbooks/reload", "").status()).isEqualTo(403);

        Api.Answer reloaded = api.post("operator", "/api/runbooks/reload", "");

        assertThat(reloaded.status()).isEqualTo(200);
        assertThat(reloaded.text()).contains("added-later");
        assertThat(api.get("viewer", "/api/runbooks/added-later").body().path("valid").asBoolean()).isTrue();
    }

    @Test
    void listsInvalidRunbooksWithTheirProblemsWithoutFailing() {
        Api.Answer answer = api.get("viewer", "/api/runbooks");
        assertThat(answer.status()).isEqualTo(200);
        JsonNode broken = null;
        for (JsonNode runbook : answer.body()) {
            if ("broken".equals(runbook.path("name").asString())) {
                broken = runbook;
            }
        }
        assertThat(broken).isNotNull();
        assertThat(broken.path("valid").asBoolean()).isFalse();
        assertThat(broken.path("problems").get(0).path("file").asString()).isEqualTo("broken.yaml");
        assertThat(broken.path("problems").get(0).path("line").asInt()).isEqualTo(9);
    }

    @Test
    void validatingARunbookWithThreeMistakesNamesEachOne() {
        Api.Answer answer = api.postYaml("viewer", "/api/runbooks/validate", THREE_MISTAKES);
        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        JsonNode errors = answer.body().path("errors");
        assertThat(errors.size()).isEqualTo(3);
        assertThat(errors.get(0).path("line").asInt()).isEqualTo(8);
        assertThat(errors.get(0).path("column").asInt()).isEqualTo(15);
        assertThat(errors.get(0).path("field").asString()).isEqualTo("phases[0].steps[0].type");
        assertThat(errors.get(0).path("message").asString()).contains("did you mean 'command'");
        assertThat(errors.get(1).path("field").asString()).isEqualTo("phases[0].steps[1].timeout");
        assertThat(errors.get(1).path("line").asInt()).isEqualTo(12);
        assertThat(errors.get(2).path("field").asString()).isEqualTo("phases[0].steps[2].with.duration");
        assertThat(errors.get(2).path("file").asString()).isEqualTo("posted.yaml");
    }

    private static final String LATE_MISTAKES = """
            name: late-mistakes
            environments:
              local:
                connections:
                  orders: { type: mysql, url: "jdbc:mysql://127.0.0.1:3306/orders", user: app, password: "${env:X}" }
                  replica: { type: mysql, url: "jdbc:mysql://127.0.0.1:3307/orders", user: app, password: "${env:X}" }
            phases:
              - name: window
                steps:
                  - id: freeze
                    type: write-freeze
                    with:
                      connection: orders
                      strategy: command
                      run: scripts/freeze.sh
                  - id: settle
                    type: wait
                    timeout: 1m
                    with: { duration: 5m }
                  - id: lag
                    type: mysql-lag-gate
                    with: { replica: replica, consecutive: 0 }
            """;

    @Test
    void crossFieldMistakesAreFoundAtValidationNotInTheWindow() {
        Api.Answer answer = api.postYaml("viewer", "/api/runbooks/validate", LATE_MISTAKES);

        assertThat(answer.status()).isEqualTo(422);
        JsonNode errors = answer.body().path("errors");
        assertThat(errors.size()).as(answer.text()).isEqualTo(3);
        assertThat(errors.get(0).path("field").asString()).isEqualTo("phases[0].steps[0].with.undo");
        assertThat(errors.get(0).path("line").asInt()).isEqualTo(13);
        assertThat(errors.get(0).path("column").asInt()).isEqualTo(11);
        assertThat(errors.get(0).path("message").asString()).contains("strategy command", "undo");
        assertThat(errors.get(1).path("field").asString()).isEqualTo("phases[0].steps[1].with.duration");
        assertThat(errors.get(1).path("line").asInt()).isEqualTo(19);
        assertThat(errors.get(1).path("message").asString()).contains("5m", "timeout");
        assertThat(errors.get(2).path("field").asString()).isEqualTo("phases[0].steps[2].with.consecutive");
        assertThat(errors.get(2).path("line").asInt()).isEqualTo(22);
        assertThat(errors.get(2).path("message").asString()).contains("at least 1");
    }

    @Test
    void aValidRunbookValidates() {
        Api.Answer answer = api.postYaml("viewer", "/api/runbooks/validate",
                THREE_MISTAKES.replace("comand", "command").replace("5 minutes", "5m").replace("with: {}", "with: { duration: 1s }"));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("valid").asBoolean()).isTrue();
    }

    @Test
    void showsARunbookWithReferencesNotValues() {
        Api.Answer answer = api.get("viewer", "/api/runbooks/walkthrough");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("environments").path("local").path("vault").path("token").asString())
                .startsWith("${file:");
        assertThat(answer.body().path("phases").size()).isEqualTo(2);
        assertThat(answer.body().path("window").asString()).as("the time budget, as the runbook writes it").isEqualTo("1h");
    }
}
