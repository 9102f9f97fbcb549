package dev.cutover.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.nio.file.Files;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A {@code metric-gate} on a {@code type: cloudwatch} connection through the REST API, as a
 * runbook writes it, against {@link CloudWatchApiStub}: the runbook's flat query keys reach
 * {@code GetMetricData}, the secret key never reaches the events or the cutover's state, and a
 * mistake is reported at its field and line.
 */
class CloudWatchGateAgainstCloudWatchStubTests extends ServiceTest {

    private static final String SECRET = "cW-Service-Secret-Key-do-not-leak/2k9d";
    private static CloudWatchApiStub cloudWatch;

    @BeforeAll
    static void startStub() {
        cloudWatch = new CloudWatchApiStub();
        cloudWatch.deny("AKIDREFUSED", "AccessDenied");
    }

    @AfterAll
    static void stopStub() {
        if (cloudWatch != null) {
            cloudWatch.close();
        }
    }

    @Test
    void aGatePassesOnCloudWatchAndAnAccessDeniedOneFailsWithoutTheSecretAnywhere() throws Exception {
        String app = "cw" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        cloudWatch.put("SUM(METRICS('errors')) / SUM(METRICS('requests'))", 0.002);
        cloudWatch.put(app + "ResponseTime", 0.12);
        Files.writeString(RUNBOOKS.work().resolve(app + "-secret"), SECRET + "\n");
        String queries = """
                - { name: error-rate, expression: "SUM(METRICS('errors')) / SUM(METRICS('requests'))", period: 60s, pass: "< 0.01", failWhen: "> 0.05" }
                - { name: p95, namespace: AWS/ApplicationELB, metric: %sResponseTime, stat: p95, dimensions: "LoadBalancer=app/shop/123", pass: "<= 0.25" }
                """.formatted(app);

        String passing = run(app, "AKIDGATE", queries);
        api.awaitCutover(passing, c -> "SUCCEEDED".equals(Api.stepState(c, "traffic-healthy"))
                || "FAILED".equals(Api.stepState(c, "traffic-healthy")), 30);
        JsonNode passed = event(passing, "succeeded");
        assertThat(passed.path("message").asString()).contains("metric gate passed: every condition held for 2s",
                "error-rate 0.002 (pass < 0.01)", "p95 0.12 (pass <= 0.25)");
        assertThat(passed.path("evidence").path("queries").get(1).path("metric").asString())
                .isEqualTo("AWS/ApplicationELB " + app + "ResponseTime p95 {LoadBalancer=app/shop/123}");

        String refused = run(app + "-refused", "AKIDREFUSED", queries);
        api.awaitCutover(refused, c -> "FAILED".equals(Api.stepState(c, "traffic-healthy")), 30);
        assertThat(event(refused, "failed").path("message").asString()).startsWith("metric gate failed: CloudWatch metrics "
                + "in eu-west-1 answered HTTP 403 AccessDenied to GetMetricData: ").endsWith("the connection's credentials "
                + "need the IAM permission cloudwatch:GetMetricData in eu-west-1");

        for (String cutover : new String[] {passing, refused}) {
            String events = api.get("viewer", "/api/cutovers/" + cutover + "/events?limit=500").text();
            String state = api.get("viewer", "/api/cutovers/" + cutover).text();
            assertThat(events + state).doesNotContain(SECRET);
        }
    }

    @Test
    void validationNamesKeysOfTheOtherConnectionTypeAtTheirLine() {
        Api.Answer answer = api.postYaml("viewer", "/api/runbooks/validate", """
                name: cloudwatch-gate-mistakes
                environments:
                  local:
                    connections:
                      metrics: { type: cloudwatch, region: eu-west-1 }
                phases:
                  - name: validate
                    steps:
                      - id: gate
                        type: metric-gate
                        with:
                          connection: metrics
                          for: 5m
                          queries:
                            - { name: error-rate, query: "sum(rate(x[1m]))", period: 60s, pass: "< 0.01" }
                            - { name: p95, metric: TargetResponseTime, namespace: AWS/ApplicationELB, pass: "<= 0.25" }
                """);

        assertThat(answer.status()).as(answer.text()).isEqualTo(422);
        JsonNode errors = answer.body().path("errors");
        JsonNode period = field(errors, "phases[0].steps[0].with.queries[0].period");
        assertThat(period.path("message").asString()).contains("'period' belongs to a cloudwatch query");
        assertThat(period.path("line").asInt()).as(errors.toString()).isEqualTo(15);
        assertThat(field(errors, "phases[0].steps[0].with.queries[1].stat").path("message").asString())
                .contains("a metric: query needs stat:");
        assertThat(errors.size()).as(errors.toString()).isEqualTo(2);
    }

    private static JsonNode field(JsonNode errors, String field) {
        for (JsonNode error : errors) {
            if (field.equals(error.path("field").asString())) {
                return error;
            }
        }
        throw new AssertionError("no problem at " + field + " in " + errors);
    }

    /** Adds a one-step runbook with a metric gate on the stub, creates a rehearsal of it and starts its phase. */
    private String run(String name, String accessKeyId, String queries) {
        addRunbook(name + ".yaml", """
                name: %s
                description: metric gate against the CloudWatch API stub
                environments:
                  local:
                    connections:
                      metrics:
                        type: cloudwatch
                        region: eu-west-1
                        endpoint: "%s"
                        accessKeyId: %s
                        secretAccessKey: "${file:@WORK@/%s-secret}"
                phases:
                  - name: validate
                    steps:
                      - id: traffic-healthy
                        type: metric-gate
                        owner: sre
                        timeout: 30s
                        with:
                          connection: metrics
                          interval: 1s
                          for: 2s
                          queries:
                %s""".formatted(name, cloudWatch.endpoint(), accessKeyId, name.replace("-refused", ""),
                queries.indent(10).stripTrailing()));
        String id = createCutover(name);
        Api.Answer started = api.post("operator", "/api/cutovers/" + id + "/phases/validate/start", null);
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        return id;
    }

    private JsonNode event(String cutoverId, String outcome) {
        for (JsonNode event : api.get("viewer", "/api/cutovers/" + cutoverId + "/events?limit=500").body().path("events")) {
            if ("traffic-healthy".equals(event.path("stepId").asString("")) && outcome.equals(event.path("outcome").asString())) {
                return event;
            }
        }
        throw new AssertionError("no event " + outcome + " of step traffic-healthy in cutover " + cutoverId + ": "
                + api.get("viewer", "/api/cutovers/" + cutoverId + "/events?limit=500").text());
    }
}
