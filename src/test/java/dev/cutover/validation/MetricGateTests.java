package dev.cutover.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code metric-gate} through the REST API against a real Prometheus ({@link LocalPrometheus})
 * scraping a small application whose error ratio, latency and request counter each test sets.
 * Each test uses its own metric names, so they share one Prometheus.
 */
class MetricGateTests extends ServiceTest {

    private static final String PROMETHEUS_PASSWORD = "pr0m-Basic-pa55-do-not-leak";
    private static LocalPrometheus prometheus;
    private static LocalPrometheus guarded;

    @BeforeAll
    static void startPrometheus() {
        prometheus = LocalPrometheus.start();
        guarded = LocalPrometheus.startWithBasicAuth("gate", PROMETHEUS_PASSWORD);
    }

    @AfterAll
    static void stopPrometheus() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (guarded != null) {
            guarded.close();
        }
    }

    @Test
    void aHealthyApplicationPassesAfterTheWholeWindow() {
        String app = metricPrefix();
        prometheus.count(app + "_requests_total", 100);
        prometheus.count(app + "_errors_total", 0.1);
        prometheus.set(app + "_latency_seconds", 0.12);
        prometheus.awaitQuery(errorRate(app), "\"0.00");
        String id = run(app, prometheus.url(), "", "30s", "3s", "hold", """
                    - { name: error-rate, query: "%s", pass: "< 0.01", failWhen: "> 0.05" }
                    - { name: latency, query: "max(%s_latency_seconds)", pass: "<= 0.25", unit: s }
                """.formatted(errorRate(app), app));

        JsonNode cutover = api.awaitCutover(id, c -> !"RUNNING".equals(Api.stepState(c, "traffic-healthy"))
                && !"PENDING".equals(Api.stepState(c, "traffic-healthy")), 40);
        JsonNode passed = event(id, "succeeded");
        assertThat(Api.stepState(cutover, "traffic-healthy")).as(passed.toString()).isEqualTo("SUCCEEDED");
        assertThat(passed.path("message").asString()).contains("every condition held for 3s", "(pass < 0.01)",
                "latency 0.12 (pass <= 0.25)");
        JsonNode evidence = passed.path("evidence");
        assertThat(evidence.path("heldMs").asLong()).isGreaterThanOrEqualTo(3000);
        assertThat(evidence.path("samplesTaken").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(evidence.path("samples").get(0).path("values").path("error-rate").asDouble()).isBetween(0.0005, 0.002);
        assertThat(evidence.path("samples").get(0).path("values").path("latency").asDouble()).isEqualTo(0.12);

        // Every round is stored for the charts: one point per sample and query, with the query's unit and conditions.
        JsonNode samples = api.get("viewer", "/api/cutovers/" + id + "/gate-samples").body();
        JsonNode latency = gateSeries(samples, "latency");
        assertThat(latency.path("kind").asString()).isEqualTo("metric");
        assertThat(latency.path("unit").asString()).isEqualTo("s");
        assertThat(latency.path("pass").path("text").asString()).isEqualTo("<= 0.25");
        assertThat(latency.path("failWhen").isNull()).isTrue();
        assertThat(latency.path("points").size()).isEqualTo(evidence.path("samplesTaken").asInt());
        assertThat(latency.path("points").get(0).get(1).asDouble()).isEqualTo(0.12);
        assertThat(latency.path("points").get(0).get(2).asString()).isEqualTo("pass");
        JsonNode errorRate = gateSeries(samples, "error-rate");
        assertThat(errorRate.path("unit").isNull()).as("a ratio has no unit").isTrue();
        assertThat(errorRate.path("pass").path("operator").asString()).isEqualTo("<");
        assertThat(errorRate.path("pass").path("value").asDouble()).isEqualTo(0.01);
        assertThat(errorRate.path("failWhen").path("value").asDouble()).isEqualTo(0.05);
        assertThat(errorRate.path("points").get(0).get(1).asDouble()).isBetween(0.0005, 0.002);
    }

    private static JsonNode gateSeries(JsonNode answer, String name) {
        for (JsonNode series : answer.path("series")) {
            if ("traffic-healthy".equals(series.path("stepId").asString()) && name.equals(series.path("series").asString())) {
                return series;
            }
        }
        throw new AssertionError("no series " + name + " in " + answer);
    }

    @Test
    void aRaisedErrorRateFailsTheGateAtOnceWithTheSampleInTheEvidence() {
        String app = metricPrefix();
        prometheus.count(app + "_requests_total", 100);
        prometheus.count(app + "_errors_total", 0.1);
        prometheus.awaitQuery(errorRate(app), "\"0.00");
        String id = run(app, prometheus.url(), "", "2m", "1m", "hold", """
                    - { name: error-rate, query: "%s", pass: "< 0.01", failWhen: "> 0.05" }
                """.formatted(errorRate(app)));
        api.awaitCutover(id, c -> "RUNNING".equals(Api.stepState(c, "traffic-healthy")), 20);
        Api.sleep(1500);
        long raised = System.nanoTime();
        prometheus.count(app + "_errors_total", 30);

        api.awaitCutover(id, c -> "FAILED".equals(Api.stepState(c, "traffic-healthy")), 20);
        long detectedMs = (System.nanoTime() - raised) / 1_000_000;
        JsonNode failed = event(id, "failed");
        JsonNode last = failed.path("evidence").path("last");
        assertThat(failed.path("message").asString()).contains("metric gate failed: error-rate = ", " meets failWhen > 0.05");
        assertThat(last.path("values").path("error-rate").asDouble()).isGreaterThan(0.05);
        assertThat(last.path("verdict").asString()).isEqualTo("fail");
        assertThat(failed.path("evidence").path("samples").size()).isGreaterThanOrEqualTo(2);
        assertThat(failed.path("evidence").path("samples").get(0).path("values").path("error-rate").asDouble()).isLessThan(0.01);
        // a few scrapes of the new rate (1s each) and one interval (1s); nowhere near the 1m window
        assertThat(detectedMs).isLessThan(8000);
        JsonNode points = gateSeries(api.get("viewer", "/api/cutovers/" + id + "/gate-samples").body(), "error-rate")
                .path("points");
        JsonNode lastPoint = points.get(points.size() - 1);
        assertThat(lastPoint.get(1).asDouble()).isGreaterThan(0.05);
        assertThat(lastPoint.get(2).asString()).isEqualTo("fail-when");
    }

    /** The issue's error rate: errors per second over requests per second, both over the last 5 s. */
    private static String errorRate(String app) {
        return "sum(rate(%1$s_errors_total[5s])) / sum(rate(%1$s_requests_total[5s]))".formatted(app);
    }

    @Test
    void aMissedPassStartsTheWindowAgain() {
        String app = metricPrefix();
        prometheus.set(app + "_latency_seconds", 0.1);
        prometheus.awaitQuery("max(" + app + "_latency_seconds)", "\"0.1\"");
        String id = run(app, prometheus.url(), "", "1m", "3s", "hold", """
                    - { name: latency, query: "max(%s_latency_seconds)", pass: "<= 0.25", failWhen: "> 2" }
                """.formatted(app));
        api.awaitCutover(id, c -> figures(c).path("heldMs").asLong() >= 1000, 15);
        prometheus.set(app + "_latency_seconds", 0.4);
        JsonNode missed = api.awaitCutover(id, c -> "outside".equals(figures(c).path("verdict").asString()), 15);
        assertThat(figures(missed).path("heldMs").asLong()).isZero();
        assertThat(figures(missed).path("heldBy").toString()).contains("latency 0.4 (misses pass <= 0.25)");
        prometheus.set(app + "_latency_seconds", 0.1);

        api.awaitCutover(id, c -> "SUCCEEDED".equals(Api.stepState(c, "traffic-healthy")), 20);
        JsonNode samples = event(id, "succeeded").path("evidence").path("samples");
        int lastMissed = -1;
        for (int i = 0; i < samples.size(); i++) {
            if ("outside".equals(samples.get(i).path("verdict").asString())) {
                lastMissed = i;
            }
        }
        assertThat(lastMissed).as(samples.toString()).isGreaterThan(0);
        assertThat(samples.get(lastMissed + 1).path("heldMs").asLong()).as(samples.toString()).isZero();
        assertThat(samples.get(samples.size() - 1).path("heldMs").asLong()).isGreaterThanOrEqualTo(3000);
        assertThat(samples.size() - 1 - lastMissed).as("within samples after the last miss").isGreaterThanOrEqualTo(4);
    }

    private static JsonNode figures(JsonNode cutover) {
        return Api.step(cutover, "traffic-healthy").path("output").path("figures");
    }

    @Test
    void noDataHoldsTheGateUntilItsTimeout() {
        String app = metricPrefix();
        String id = run(app, prometheus.url(), "", "4s", "2s", "hold", """
                    - { name: error-rate, query: "max(%s_never_exported)", pass: "< 0.01" }
                """.formatted(app));

        JsonNode holding = api.awaitCutover(id, c -> Api.step(c, "traffic-healthy").path("output").path("figures")
                .path("heldBy").toString().contains("error-rate no data"), 10);
        assertThat(Api.stepState(holding, "traffic-healthy")).isEqualTo("RUNNING");
        api.awaitCutover(id, c -> "FAILED".equals(Api.stepState(c, "traffic-healthy")), 30);
        JsonNode failed = event(id, "failed");
        assertThat(failed.path("message").asString()).contains("did not pass within the step's timeout (4s)",
                "error-rate no data (holding: noData: hold; the query returned no series)");
        assertThat(failed.path("evidence").path("samplesTaken").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(failed.path("evidence").path("heldMs").asLong()).isZero();
        // No data is charted as no value, never as 0.
        JsonNode points = gateSeries(api.get("viewer", "/api/cutovers/" + id + "/gate-samples").body(), "error-rate")
                .path("points");
        assertThat(points.size()).isGreaterThanOrEqualTo(3);
        for (JsonNode point : points) {
            assertThat(point.get(1).isNull()).as("no data is null: %s", point).isTrue();
            assertThat(point.get(2).asString()).isEqualTo("no-data");
        }
    }

    @Test
    void noDataWithNoDataFailFailsAtOnce() {
        String app = metricPrefix();
        String id = run(app, prometheus.url(), "", "1m", "10s", "fail", """
                    - { name: error-rate, query: "max(%s_never_exported)", pass: "< 0.01" }
                """.formatted(app));

        api.awaitCutover(id, c -> "FAILED".equals(Api.stepState(c, "traffic-healthy")), 15);
        JsonNode failed = event(id, "failed");
        assertThat(failed.path("message").asString()).isEqualTo(
                "metric gate failed: error-rate has no data (the query returned no series) and noData is fail");
        assertThat(failed.path("evidence").path("samplesTaken").asInt()).isEqualTo(1);
    }

    @Test
    void aQueryReturningSeveralSeriesFailsWithAClearMessage() {
        String app = metricPrefix();
        prometheus.set(app + "_latency_seconds{route=\"a\"}", 0.1);
        prometheus.set(app + "_latency_seconds{route=\"b\"}", 0.2);
        prometheus.awaitQuery("count(" + app + "_latency_seconds)", "\"2\"");
        String id = run(app, prometheus.url(), "", "1m", "10s", "hold", """
                    - { name: latency, query: "%s_latency_seconds", pass: "< 0.25" }
                """.formatted(app));

        api.awaitCutover(id, c -> "FAILED".equals(Api.stepState(c, "traffic-healthy")), 15);
        String message = event(id, "failed").path("message").asString();
        assertThat(message).contains("query latency returned 2 series", "route=\"a\"", "route=\"b\"",
                "a gate needs exactly one value per query: aggregate the series, e.g. sum(...) or max(...)");
    }

    @Test
    void basicAuthPasswordNeverReachesTheEvidenceOrTheEvents() throws Exception {
        String app = metricPrefix();
        guarded.set(app + "_error_ratio", 0.001);
        guarded.awaitQuery(app + "_error_ratio", "0.001");
        Files.writeString(RUNBOOKS.work().resolve(app + "-password"), PROMETHEUS_PASSWORD + "\n");
        String id = run(app, guarded.url(), ", user: gate, password: \"${file:@WORK@/" + app + "-password}\"",
                "30s", "2s", "hold", """
                    - { name: error-rate, query: "max(%s_error_ratio)", pass: "< 0.01" }
                """.formatted(app));
        api.awaitCutover(id, c -> "SUCCEEDED".equals(Api.stepState(c, "traffic-healthy"))
                || "FAILED".equals(Api.stepState(c, "traffic-healthy")), 30);
        assertThat(event(id, "succeeded").path("message").asString()).contains("metric gate passed");

        String wrong = metricPrefix();
        Files.writeString(RUNBOOKS.work().resolve(wrong + "-password"), "not-" + PROMETHEUS_PASSWORD + "\n");
        String refused = run(wrong, guarded.url(), ", user: gate, password: \"${file:@WORK@/" + wrong + "-password}\"",
                "30s", "2s", "hold", """
                    - { name: error-rate, query: "max(%s_error_ratio)", pass: "< 0.01" }
                """.formatted(app));
        api.awaitCutover(refused, c -> "FAILED".equals(Api.stepState(c, "traffic-healthy")), 15);
        assertThat(event(refused, "failed").path("message").asString())
                .contains("answered HTTP 401 to the query: check the connection's credentials");

        String basic = Base64.getEncoder().encodeToString(("gate:" + PROMETHEUS_PASSWORD).getBytes(StandardCharsets.UTF_8));
        for (String cutover : new String[] {id, refused}) {
            String events = api.get("viewer", "/api/cutovers/" + cutover + "/events?limit=500").text();
            String state = api.get("viewer", "/api/cutovers/" + cutover).text();
            assertThat(events + state).doesNotContain(PROMETHEUS_PASSWORD).doesNotContain(basic);
        }
    }

    @Test
    void aBearerTokenIsSentAndNeverReachesTheEvidenceOrTheEvents() throws Exception {
        String token = "b3arer-T0ken-" + UUID.randomUUID();
        String proxy = prometheus.bearerProxy(token);
        String app = metricPrefix();
        prometheus.set(app + "_error_ratio", 0.001);
        prometheus.awaitQuery(app + "_error_ratio", "0.001");
        Files.writeString(RUNBOOKS.work().resolve(app + "-token"), token + "\n");
        String id = run(app, proxy, ", bearerToken: \"${file:@WORK@/" + app + "-token}\"", "30s", "2s", "hold", """
                    - { name: error-rate, query: "max(%s_error_ratio)", pass: "< 0.01" }
                """.formatted(app));
        api.awaitCutover(id, c -> "SUCCEEDED".equals(Api.stepState(c, "traffic-healthy"))
                || "FAILED".equals(Api.stepState(c, "traffic-healthy")), 30);
        assertThat(event(id, "succeeded").path("message").asString()).contains("metric gate passed");

        String none = metricPrefix();
        String refused = run(none, proxy, "", "30s", "2s", "hold", """
                    - { name: error-rate, query: "max(%s_error_ratio)", pass: "< 0.01" }
                """.formatted(app));
        api.awaitCutover(refused, c -> "FAILED".equals(Api.stepState(c, "traffic-healthy")), 15);
        assertThat(event(refused, "failed").path("message").asString()).contains("answered HTTP 401 to the query: "
                + "it needs credentials (bearerToken, or user and password, on the connection)");

        String events = api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").text();
        assertThat(events + api.get("viewer", "/api/cutovers/" + id).text()).doesNotContain(token);
    }

    @Test
    void preflightAsksEveryQueryOnceAndNamesTheOnesThatCannotWork() {
        String app = metricPrefix();
        prometheus.set(app + "_error_ratio", 0.002);
        prometheus.set(app + "_latency_seconds{route=\"a\"}", 0.1);
        prometheus.set(app + "_latency_seconds{route=\"b\"}", 0.2);
        prometheus.awaitQuery("count(" + app + "_latency_seconds)", "\"2\"");
        addRunbook(app + ".yaml", """
                name: %1$s
                environments:
                  local:
                    connections:
                      metrics: { type: prometheus, url: "%2$s" }
                phases:
                  - name: validate
                    steps:
                      - id: traffic-healthy
                        type: metric-gate
                        with:
                          connection: metrics
                          for: 1m
                          queries:
                            - { name: error-rate, query: "max(%1$s_error_ratio)", pass: "< 0.01" }
                            - { name: latency, query: "%1$s_latency_seconds", pass: "< 0.25" }
                            - { name: typo, query: "max(%1$s_error_ratio", pass: "< 1" }
                            - { name: absent, query: "max(%1$s_absent)", pass: "< 1" }
                """.formatted(app, prometheus.url()));

        Api.Answer answer = api.post("operator", "/api/runbooks/" + app + "/preflight?environment=local", "");
        JsonNode rows = answer.body().path("rows");
        assertThat(preflightRow(rows, "query error-rate").path("status").asString()).as(answer.text()).isEqualTo("ok");
        assertThat(preflightRow(rows, "query error-rate").path("detail").asString()).isEqualTo("answers 0.002 (pass < 0.01)");
        assertThat(preflightRow(rows, "query latency").path("status").asString()).isEqualTo("failed");
        assertThat(preflightRow(rows, "query latency").path("detail").asString()).contains("returns 2 series");
        assertThat(preflightRow(rows, "query typo").path("status").asString()).isEqualTo("failed");
        assertThat(preflightRow(rows, "query typo").path("detail").asString()).contains("refused the query (bad_data)");
        assertThat(preflightRow(rows, "query absent").path("status").asString()).isEqualTo("warning");
        assertThat(preflightRow(rows, "query absent").path("hint").asString()).contains("with noData: hold the gate would hold");
    }

    @Test
    void preflightAsksADnsShiftsGuardQueriesAndFailsABrokenOneWithAHint() {
        String app = metricPrefix();
        prometheus.set(app + "_error_ratio", 0.002);
        prometheus.awaitQuery("max(" + app + "_error_ratio)", "\"0.002\"");
        addRunbook(app + ".yaml", """
                name: %1$s
                environments:
                  local:
                    connections:
                      zone: { type: route53, endpoint: "http://127.0.0.1:9", region: us-east-1, hostedZoneId: Z0NOWHERE, zone: example.test., accessKeyId: k, secretAccessKey: s }
                      metrics: { type: prometheus, url: "%2$s" }
                phases:
                  - name: shift
                    steps:
                      - id: shift-traffic
                        type: dns-shift
                        with:
                          connection: zone
                          record: www
                          type: CNAME
                          from: gcp
                          to: aws
                          toValues: [shop-alb.aws.example.]
                          steps: [10, 100]
                          hold: 1m
                          guard: metrics
                          queries:
                            - { name: error-rate, query: "max(%1$s_error_ratio)", pass: "< 0.01" }
                            - { name: typo, query: "max(%1$s_error_ratio", pass: "< 1" }
                """.formatted(app, prometheus.url()));

        Api.Answer answer = api.post("operator", "/api/runbooks/" + app + "/preflight?environment=local", "");
        JsonNode rows = answer.body().path("rows");
        JsonNode ok = preflightRow(rows, "guard query error-rate");
        assertThat(ok.path("status").asString()).as(answer.text()).isEqualTo("ok");
        assertThat(ok.path("detail").asString()).isEqualTo("answers 0.002 (pass < 0.01)");
        JsonNode typo = preflightRow(rows, "guard query typo");
        assertThat(typo.path("status").asString()).isEqualTo("failed");
        assertThat(typo.path("detail").asString()).contains("refused the query (bad_data)");
        assertThat(typo.path("hint").asString()).isNotBlank();
    }

    private static JsonNode preflightRow(JsonNode rows, String check) {
        for (JsonNode row : rows) {
            if (check.equals(row.path("check").asString()) && "metrics".equals(row.path("connection").asString())) {
                return row;
            }
        }
        throw new AssertionError("no preflight row " + check + " in " + rows);
    }

    @Test
    void validationNamesEachMistakeByItsField() {
        Api.Answer answer = api.postYaml("viewer", "/api/runbooks/validate", """
                name: gate-mistakes
                environments:
                  local:
                    connections:
                      metrics: { type: prometheus, url: "http://127.0.0.1:9090" }
                phases:
                  - name: validate
                    steps:
                      - id: gate
                        type: metric-gate
                        timeout: 5m
                        with:
                          connection: metrics
                          interval: 30s
                          for: 10s
                          queries:
                            - { name: error-rate, query: "sum(rate(x[1m]))", pass: "< 0.01", failWhen: "above 0.05" }
                            - { name: error-rate, query: "y", pass: "=< 3" }
                            - { name: latency, query: "z" }
                """);

        assertThat(answer.status()).as(answer.text()).isEqualTo(422);
        JsonNode errors = answer.body().path("errors");
        String all = errors.toString();
        assertThat(field(errors, "phases[0].steps[0].with.for").path("message").asString())
                .contains("for (10s) must be at least interval (30s)");
        JsonNode failWhen = field(errors, "phases[0].steps[0].with.queries[0].failWhen");
        assertThat(failWhen.path("message").asString()).contains("'above 0.05' is not a condition", "\"< 0.01\"");
        assertThat(failWhen.path("line").asInt()).as(all).isEqualTo(17);
        assertThat(field(errors, "phases[0].steps[0].with.queries[1].name").path("message").asString())
                .contains("query name 'error-rate' is used twice");
        assertThat(field(errors, "phases[0].steps[0].with.queries[1].pass").path("message").asString())
                .contains("'=< 3' is not a condition");
        assertThat(field(errors, "phases[0].steps[0].with.queries[2].pass").path("message").asString())
                .contains("needs pass:");
        assertThat(errors.size()).as(all).isEqualTo(5);
    }

    @Test
    void queriesMustBeAListOfMappingsAndTheWindowMustFitTheTimeout() {
        String runbook = """
                name: gate-shapes
                environments:
                  local:
                    connections:
                      metrics: { type: prometheus, url: "http://127.0.0.1:9090" }
                phases:
                  - name: validate
                    steps:
                      - id: scalar-item
                        type: metric-gate
                        with: { connection: metrics, for: 1m, queries: ["up"] }
                      - id: long-window
                        type: metric-gate
                        timeout: 5m
                        with: { connection: metrics, for: 10m, queries: [{ name: up, query: "up", pass: "== 1" }] }
                """;
        Api.Answer answer = api.postYaml("viewer", "/api/runbooks/validate", runbook);

        assertThat(answer.status()).as(answer.text()).isEqualTo(422);
        JsonNode errors = answer.body().path("errors");
        assertThat(field(errors, "phases[0].steps[0].with.queries[0]").path("message").asString())
                .contains("each item of 'queries' must be a mapping, e.g. { name: a, query: b }");
        JsonNode window = field(errors, "phases[0].steps[1].with.for");
        assertThat(window.path("message").asString()).contains("must be shorter than the step's timeout");
        assertThat(window.path("line").asInt()).isEqualTo(15);
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

    private static String metricPrefix() {
        return "app" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    /** Adds a one-step runbook with a metric gate, creates a rehearsal of it and starts its phase. */
    private String run(String name, String url, String auth, String timeout, String window, String noData, String queries) {
        addRunbook(name + ".yaml", """
                name: %s
                description: metric gate against a real Prometheus
                environments:
                  local:
                    connections:
                      metrics: { type: prometheus, url: "%s"%s }
                phases:
                  - name: validate
                    steps:
                      - id: traffic-healthy
                        type: metric-gate
                        owner: sre
                        timeout: %s
                        with:
                          connection: metrics
                          interval: 1s
                          for: %s
                          noData: %s
                          queries:
                %s""".formatted(name, url, auth, timeout, window, noData, queries.indent(10).stripTrailing()));
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
