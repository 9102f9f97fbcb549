package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear problem+json answer: 400 naming the field, 401, 403, 404, 422. */
class CutoverApiErrorsTests extends ServiceTest {

    @Test
    void withoutCredentialsAnswers401AsProblem() {
        Api.Answer answer = api.get(null, "/api/cutovers");
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(api.get(null, "/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void viewerCannotCreate() {
        Api.Answer answer = api.post("viewer", "/api/cutovers", "{\"runbook\":\"slow\",\"environment\":\"local\"}");
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body().path("detail").asString()).contains("needs role OPERATOR");
    }

    @Test
    void missingFieldIsNamed() {
        Api.Answer answer = api.post("operator", "/api/cutovers", "{\"environment\":\"local\"}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body().path("errors").get(0).path("field").asString()).isEqualTo("runbook");
    }

    @Test
    void wrongTypeIsNamed() {
        Api.Answer answer = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"slow\",\"environment\":\"local\",\"rehearsal\":\"maybe\"}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("field").asString()).isEqualTo("rehearsal");
    }

    @Test
    void brokenJsonIsABadRequest() {
        Api.Answer answer = api.post("operator", "/api/cutovers", "{\"runbook\":");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("detail").asString()).contains("not valid JSON");
    }

    @Test
    void unknownIdsAnswer404() {
        Api.Answer answer = api.get("viewer", "/api/cutovers/no-such-id");
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.body().path("detail").asString()).contains("no-such-id");
        assertThat(api.get("viewer", "/api/runbooks/no-such-runbook").status()).isEqualTo(404);
    }

    @Test
    void invalidRunbookOrEnvironmentCannotStartACutover() {
        Api.Answer invalid = api.post("operator", "/api/cutovers", "{\"runbook\":\"broken\",\"environment\":\"local\"}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.body().path("detail").asString()).contains("broken.yaml", "comand");
        Api.Answer environment = api.post("operator", "/api/cutovers", "{\"runbook\":\"slow\",\"environment\":\"prod\"}");
        assertThat(environment.status()).isEqualTo(422);
        assertThat(environment.body().path("detail").asString()).contains("no environment 'prod'");
    }
}
