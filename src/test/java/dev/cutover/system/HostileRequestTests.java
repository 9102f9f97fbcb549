package dev.cutover.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * What a tired engineer (or a hostile client) sends by mistake gets a clear 4xx problem that names
 * what is wrong, never a silently different cutover, a 5xx, an echo of megabytes or a Java class name.
 */
class HostileRequestTests extends ServiceTest {

    @Test
    void aMisspelledFieldIsRefusedNamingItAndTheFieldMeant() {
        Api.Answer answer = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"x\",\"environment\":\"local\",\"rehersal\":true}");

        assertProblem(answer, 400);
        assertThat(answer.body().path("detail").asString()).contains("'rehersal'", "'rehearsal'");
        assertThat(answer.body().path("field").asString()).isEqualTo("rehersal");
    }

    @Test
    void aFieldGivenTwiceIsRefused() {
        Api.Answer answer = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"x\",\"environment\":\"local\",\"environment\":\"production\"}");

        assertProblem(answer, 400);
        assertThat(answer.body().path("detail").asString()).contains("'environment'", "twice");
    }

    @Test
    void aBodyOverTheLimitIsRefusedWithoutReadingIt() throws Exception {
        String huge = "{\"runbook\":\"x\",\"environment\":\"local\",\"junk\":[" + "1,".repeat(2_500_000) + "1]}";
        HttpResponse<String> answer = api.client().send(api.request("operator", "/api/cutovers")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(huge)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
        assertThat(answer.body()).contains("1 MiB").hasSizeLessThan(2_000);
    }

    @Test
    void aLongValueIsNotEchoedWholeInTheAnswer() {
        String name = "r".repeat(200_000);
        Api.Answer answer = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"" + name + "\",\"environment\":\"local\"}");

        assertThat(answer.status()).isBetween(400, 499);
        assertThat(answer.text()).hasSizeLessThan(4_000);
    }

    @Test
    void theSchedulesOfAnUnknownCutoverAre404() {
        assertProblem(api.get("viewer", "/api/syncs/schedules/no-such-cutover"), 404);
    }

    @Test
    void aParameterOfTheWrongTypeIsExplainedWithoutJava() {
        Api.Answer answer = api.get("viewer", "/api/cutovers?limit=lots");

        assertProblem(answer, 400);
        assertThat(answer.text()).contains("limit").doesNotContain("java.", "Exception", "NumberFormat");
    }

    private static void assertProblem(Api.Answer answer, int status) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.text()).doesNotContain("java.", "Exception");
    }
}
