package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The window forecast from rehearsals: two rehearsals of a two-phase runbook, one real run that must not count. */
class RehearsalForecastTests extends ServiceTest {

    @BeforeAll
    static void runbook() {
        RUNBOOKS.add("forecasted.yaml", """
                name: forecasted
                environments: { local: { connections: {} }, prod: { connections: {} } }
                phases:
                  - name: prepare
                    steps:
                      - { id: short-wait, type: wait, with: { duration: 200ms } }
                  - name: go
                    steps:
                      - { id: long-wait, type: wait, with: { duration: 600ms } }
                      - { id: marker, type: command, with: { run: "true" } }
                """);
    }

    @Test
    void twoRehearsalsGiveMedianAndP90PerStepAndInTotal() {
        api.post("operator", "/api/runbooks/reload", "");
        JsonNode before = api.get("viewer", "/api/runbooks/forecasted/forecast?environment=local").body();
        assertThat(before.path("rehearsals").asInt()).isZero();
        assertThat(before.path("note").asString()).contains("no rehearsal");

        for (int i = 0; i < 2; i++) {
            runThrough(createCutover("forecasted"));
        }
        Api.Answer real = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"forecasted\",\"environment\":\"local\",\"rehearsal\":false}");
        runThrough(real.body().path("id").asString());

        Api.Answer answer = api.get("viewer", "/api/runbooks/forecasted/forecast?environment=local&window=6h");

        assertThat(answer.status()).isEqualTo(200);
        JsonNode forecast = answer.body();
        assertThat(forecast.path("rehearsals").asInt()).as("the real cutover is not a rehearsal").isEqualTo(2);
        JsonNode longWait = forecast.path("steps").get(1);
        assertThat(longWait.path("stepId").asString()).isEqualTo("long-wait");
        assertThat(longWait.path("samples").asInt()).isEqualTo(2);
        assertThat(longWait.path("medianSeconds").asDouble()).isBetween(0.6, 5.0);
        assertThat(longWait.path("p90Seconds").asDouble()).isGreaterThanOrEqualTo(longWait.path("medianSeconds").asDouble());
        JsonNode total = forecast.path("total");
        assertThat(total.path("rehearsals").asInt()).isEqualTo(2);
        assertThat(total.path("medianSeconds").asDouble()).isBetween(0.8, 10.0);
        double stepsSum = 0;
        for (JsonNode run : forecast.path("rehearsalRuns")) {
            assertThat(run.path("complete").asBoolean()).isTrue();
            stepsSum += run.path("totalSeconds").asDouble();
        }
        assertThat(total.path("medianSeconds").asDouble()).isCloseTo(stepsSum / 2, within(0.01));
        assertThat(forecast.path("phases").get(1).path("phase").asString()).isEqualTo("go");
        assertThat(forecast.path("windowSeconds").asLong()).isEqualTo(21_600);
        assertThat(forecast.path("fits").asBoolean()).isTrue();
        assertThat(api.get("viewer", "/api/runbooks/forecasted/forecast?environment=prod").body().path("rehearsals")
                .asInt()).isZero();
    }

    @Test
    void anUnknownOrMissingEnvironmentIsABadRequestNamingTheChoices() {
        api.post("operator", "/api/runbooks/reload", "");
        Api.Answer missing = api.get("viewer", "/api/runbooks/forecasted/forecast");
        Api.Answer unknown = api.get("viewer", "/api/runbooks/forecasted/forecast?environment=staging");
        Api.Answer noRunbook = api.get("viewer", "/api/runbooks/nope/forecast?environment=local");

        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().path("detail").asString()).contains("[local, prod]");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().path("detail").asString()).contains("no environment 'staging'");
        assertThat(noRunbook.status()).isEqualTo(404);
        assertThat(List.of(missing.contentType(), noRunbook.contentType())).allMatch(t -> t.contains("problem+json"));
    }

    private void runThrough(String id) {
        api.post("operator", "/api/cutovers/" + id + "/phases/prepare/start", null);
        api.awaitState(id, "READY");
        api.post("operator", "/api/cutovers/" + id + "/phases/go/start", null);
        api.awaitState(id, "COMPLETED");
    }
}
