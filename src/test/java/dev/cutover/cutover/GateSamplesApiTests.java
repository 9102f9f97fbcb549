package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.step.GateSample;
import dev.cutover.step.MetricSample;
import dev.cutover.step.SampledGate.Verdict;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The stored lag samples of gates, through {@link GateSamples} (what a running gate calls) and the
 * API: what goes in comes out per replica, an unknown lag stays null (never 0), {@code since}
 * returns only newer points, and a new sample reaches an open event stream as a {@code gate-sample}
 * event without an SSE id.
 */
class GateSamplesApiTests extends ServiceTest {

    @Autowired
    private GateSamples samples;

    @Test
    void samplesComeBackPerReplicaWithUnknownLagAsNullAndSinceReturnsOnlyNewerPoints() {
        String id = createCutover("walkthrough");
        Instant t0 = Instant.parse("2026-12-02T10:00:00.123456Z");
        Instant t1 = t0.plusSeconds(1);
        Instant t2 = t0.plusSeconds(2);
        samples.record(id, "write-marker", t0, List.of(GateSample.of("orders-replica", 2500, 1000),
                GateSample.of("members-replica", 0, 1000)));
        samples.record(id, "write-marker", t1, List.of(GateSample.unknown("orders-replica", 1000, true)));
        samples.record(id, "write-marker", t2, List.of(GateSample.of("orders-replica", 400, 1000)));
        samples.record(id, "go-no-go", t2, List.of(new GateSample("rs0/aws-1:27017", 9000L, 5000, Verdict.OUTSIDE)));

        Api.Answer all = api.get("viewer", "/api/cutovers/" + id + "/gate-samples");
        assertThat(all.status()).isEqualTo(200);
        JsonNode orders = series(all.body(), "write-marker", "orders-replica");
        assertThat(orders.path("thresholdMs").asLong()).isEqualTo(1000);
        assertThat(orders.path("points").size()).isEqualTo(3);
        JsonNode first = orders.path("points").get(0);
        assertThat(first.get(0).asLong()).as("milliseconds since the epoch, kept to the millisecond")
                .isEqualTo(t0.toEpochMilli());
        assertThat(first.get(1).asLong()).isEqualTo(2500);
        assertThat(first.get(2).asString()).isEqualTo("outside");
        JsonNode unknown = orders.path("points").get(1);
        assertThat(unknown.get(1).isNull()).as("unknown lag is null, not 0: %s", unknown).isTrue();
        assertThat(unknown.get(2).asString()).isEqualTo("broken");
        assertThat(orders.path("points").get(2).get(2).asString()).isEqualTo("within");
        assertThat(series(all.body(), "write-marker", "members-replica").path("points").size()).isEqualTo(1);
        assertThat(all.body().path("series").size()).isEqualTo(3);

        // A page that lost its stream asks for what came after its last point, as ISO-8601 to the millisecond.
        Api.Answer since = api.get("viewer", "/api/cutovers/" + id + "/gate-samples?step=write-marker&since="
                + Instant.ofEpochMilli(t1.toEpochMilli()));
        assertThat(since.status()).isEqualTo(200);
        assertThat(since.body().path("series").size()).isEqualTo(1);
        JsonNode newer = series(since.body(), "write-marker", "orders-replica").path("points");
        assertThat(newer.size()).isEqualTo(1);
        assertThat(newer.get(0).get(0).asLong()).isEqualTo(t2.toEpochMilli());

        // What the report of the night sums up: unknown samples counted apart, the largest known lag.
        GateSampleSummary summary = samples.summaries(id).stream()
                .filter(s -> s.series().equals("orders-replica")).findFirst().orElseThrow();
        assertThat(summary.samples()).isEqualTo(3);
        assertThat(summary.unknown()).isEqualTo(1);
        assertThat(summary.maxLagMs()).isEqualTo(2500);
        assertThat(summary.thresholdMs()).isEqualTo(1000);
        assertThat(summary.firstWithin()).isEqualTo(Instant.ofEpochMilli(t2.toEpochMilli()));

        Api.Answer oneStep = api.get("viewer", "/api/cutovers/" + id + "/gate-samples?step=go-no-go");
        assertThat(oneStep.body().path("series").size()).isEqualTo(1);
        assertThat(series(oneStep.body(), "go-no-go", "rs0/aws-1:27017").path("thresholdMs").asLong()).isEqualTo(5000);
    }

    @Test
    void metricSamplesComeBackWithValueUnitConditionsAndVerdictAndNoDataAsNull() {
        String id = createCutover("walkthrough");
        Instant t0 = Instant.parse("2026-12-02T11:00:00.250Z");
        MetricSample.Bound pass = new MetricSample.Bound("<=", 0.25, "<= 0.25");
        MetricSample.Bound failWhen = new MetricSample.Bound(">", 2, "> 2");
        samples.record(id, "write-marker", t0, List.of(
                new MetricSample("latency", 0.125, "s", pass, failWhen, MetricSample.Verdict.PASS),
                new MetricSample("error-rate", null, null, new MetricSample.Bound("<", 0.01, "< 0.01"), null,
                        MetricSample.Verdict.NO_DATA)));
        samples.record(id, "write-marker", t0.plusSeconds(1), List.of(
                new MetricSample("latency", 0.4, "s", pass, failWhen, MetricSample.Verdict.FAIL),
                new MetricSample("error-rate", 0.0, null, new MetricSample.Bound("<", 0.01, "< 0.01"), null,
                        MetricSample.Verdict.PASS)));
        samples.record(id, "write-marker", t0.plusSeconds(2), List.of(
                new MetricSample("latency", 2.5, "s", pass, failWhen, MetricSample.Verdict.FAIL_WHEN)));
        samples.record(id, "write-marker", t0.plusSeconds(2), List.of(GateSample.of("orders-replica", 300, 1000)));

        JsonNode answer = api.get("viewer", "/api/cutovers/" + id + "/gate-samples").body();
        JsonNode latency = series(answer, "write-marker", "latency");
        assertThat(latency.path("kind").asString()).isEqualTo("metric");
        assertThat(latency.path("unit").asString()).isEqualTo("s");
        assertThat(latency.path("thresholdMs").isNull()).as("a metric has no lag threshold: %s", latency).isTrue();
        assertThat(latency.path("pass").path("operator").asString()).isEqualTo("<=");
        assertThat(latency.path("pass").path("value").asDouble()).isEqualTo(0.25);
        assertThat(latency.path("pass").path("text").asString()).isEqualTo("<= 0.25");
        assertThat(latency.path("failWhen").path("operator").asString()).isEqualTo(">");
        assertThat(latency.path("failWhen").path("value").asDouble()).isEqualTo(2.0);
        assertThat(latency.path("points").toString()).isEqualTo("[[%d,0.125,\"pass\"],[%d,0.4,\"fail\"],[%d,2.5,\"fail-when\"]]"
                .formatted(t0.toEpochMilli(), t0.toEpochMilli() + 1000, t0.toEpochMilli() + 2000));

        JsonNode errorRate = series(answer, "write-marker", "error-rate");
        assertThat(errorRate.path("unit").isNull()).as("no unit: %s", errorRate).isTrue();
        assertThat(errorRate.path("failWhen").isNull()).isTrue();
        JsonNode noData = errorRate.path("points").get(0);
        assertThat(noData.get(1).isNull()).as("no data is null, never 0: %s", noData).isTrue();
        assertThat(noData.get(2).asString()).isEqualTo("no-data");
        assertThat(errorRate.path("points").get(1).get(1).asDouble()).as("a real 0 stays 0").isEqualTo(0.0);
        assertThat(errorRate.path("points").get(1).get(1).isNull()).isFalse();

        // A lag series keeps its shape next to them: whole milliseconds, unit ms, its pass is <= maxLag.
        JsonNode lag = series(answer, "write-marker", "orders-replica");
        assertThat(lag.path("kind").asString()).isEqualTo("lag");
        assertThat(lag.path("unit").asString()).isEqualTo("ms");
        assertThat(lag.path("thresholdMs").asLong()).isEqualTo(1000);
        assertThat(lag.path("pass").path("text").asString()).isEqualTo("<= 1000");
        assertThat(lag.path("points").get(0).toString()).isEqualTo("[%d,300,\"within\"]".formatted(t0.toEpochMilli() + 2000));

        // The report's figures per query; the lag summary keeps to lag gates.
        MetricSampleSummary summary = samples.metricSummaries(id).stream()
                .filter(s -> s.series().equals("latency")).findFirst().orElseThrow();
        assertThat(summary.samples()).isEqualTo(3);
        assertThat(summary.noData()).isZero();
        assertThat(summary.min()).isEqualTo(0.125);
        assertThat(summary.max()).isEqualTo(2.5);
        assertThat(summary.unit()).isEqualTo("s");
        assertThat(summary.pass()).isEqualTo("<= 0.25");
        assertThat(summary.failWhen()).isEqualTo("> 2");
        assertThat(summary.firstPass()).isEqualTo(t0);
        MetricSampleSummary rate = samples.metricSummaries(id).stream()
                .filter(s -> s.series().equals("error-rate")).findFirst().orElseThrow();
        assertThat(rate.noData()).isEqualTo(1);
        assertThat(rate.firstPass()).isEqualTo(t0.plusSeconds(1));
        assertThat(samples.summaries(id)).extracting(GateSampleSummary::series).containsExactly("orders-replica");

        // The report of the night sums them up next to the lag gates, in JSON, Markdown and HTML.
        JsonNode report = api.get("viewer", "/api/cutovers/" + id + "/report").body();
        assertThat(report.path("lagGates").size()).isEqualTo(1);
        assertThat(report.path("metricGates").size()).isEqualTo(2);
        // In the order the series began, then by name.
        assertThat(report.path("metricGates").get(0).path("series").asString()).isEqualTo("error-rate");
        assertThat(report.path("metricGates").get(0).path("noData").asInt()).isEqualTo(1);
        JsonNode metric = report.path("metricGates").get(1);
        assertThat(metric.path("series").asString()).isEqualTo("latency");
        assertThat(metric.path("samples").asInt()).isEqualTo(3);
        assertThat(metric.path("max").asDouble()).isEqualTo(2.5);
        assertThat(api.get("viewer", "/api/cutovers/" + id + "/report?format=md").text())
                .contains("## Metrics at the gates")
                .contains("| latency | 3 | 0 | 0.125 s | 2.5 s | &lt;= 0.25 | > 2 |");
        assertThat(api.get("viewer", "/api/cutovers/" + id + "/report?format=html").text())
                .contains("Metrics at the gates").contains("2.5 s");
    }

    @Test
    void aBadSinceOrAnUnknownStepIsAProblemThatSaysWhatIsWrong() {
        String id = createCutover("walkthrough");
        Api.Answer badSince = api.get("viewer", "/api/cutovers/" + id + "/gate-samples?since=yesterday");
        assertThat(badSince.status()).isEqualTo(400);
        assertThat(badSince.contentType()).contains("application/problem+json");
        assertThat(badSince.body().path("detail").asString()).contains("ISO-8601").contains("yesterday");

        Api.Answer noStep = api.get("viewer", "/api/cutovers/" + id + "/gate-samples?step=no-such-step");
        assertThat(noStep.status()).isEqualTo(404);
        assertThat(noStep.body().path("detail").asString()).contains("no-such-step");

        assertThat(api.get("viewer", "/api/cutovers/no-such-cutover/gate-samples").status()).isEqualTo(404);
        assertThat(api.get(null, "/api/cutovers/" + id + "/gate-samples").status()).isEqualTo(401);
    }

    @Test
    void theEndpointIsDocumentedInTheOpenApiDescription() {
        Api.Answer docs = api.get("viewer", "/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        JsonNode path = docs.body().path("paths").path("/api/cutovers/{id}/gate-samples").path("get");
        assertThat(path.isMissingNode()).as("documented path").isFalse();
        assertThat(path.path("description").asString()).contains("[t, lagMs, verdict]");
    }

    @Test
    void aNewSampleReachesAnOpenStreamAsAGateSampleEventWithoutAnId() throws Exception {
        String id = createCutover("walkthrough");
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        HttpRequest request = api.request("viewer", "/api/cutovers/" + id + "/events/stream").build();
        CompletableFuture<Void> reading = api.client().sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> {
                    try (Stream<String> body = response.body()) {
                        var it = body.iterator();
                        while (it.hasNext()) {
                            String line = it.next();
                            lines.add(line);
                            if (line.contains("\"orders-replica\"")) {
                                return;
                            }
                        }
                    }
                });
        awaitLine(lines, "event:cutover-event"); // the replay of the creation: the stream is open
        samples.record(id, "write-marker", Instant.now(), List.of(GateSample.unknown("orders-replica", 1000, false)));
        reading.get(10, TimeUnit.SECONDS);

        List<String> copy = List.copyOf(lines);
        int event = copy.indexOf("event:gate-sample");
        assertThat(event).as("a gate-sample event in %s", copy).isGreaterThan(0);
        // An SSE event is the lines since the previous blank line: none of them may be an id.
        int start = event;
        while (start > 0 && !copy.get(start - 1).isEmpty()) {
            start--;
        }
        int end = event;
        while (end < copy.size() && !copy.get(end).isEmpty()) {
            end++;
        }
        List<String> sampleEvent = copy.subList(start, end);
        assertThat(sampleEvent).noneMatch(line -> line.startsWith("id:"));
        String data = sampleEvent.stream().filter(line -> line.startsWith("data:")).findFirst().orElseThrow();
        assertThat(data).contains("\"stepId\":\"write-marker\"").contains("\"thresholdMs\":1000").contains(",null,\"outside\"]");
    }

    private static void awaitLine(List<String> lines, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            synchronized (lines) {
                if (lines.contains(wanted)) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line '" + wanted + "' on the stream: " + lines);
    }

    private static JsonNode series(JsonNode answer, String stepId, String name) {
        for (JsonNode series : answer.path("series")) {
            if (stepId.equals(series.path("stepId").asString()) && name.equals(series.path("series").asString())) {
                return series;
            }
        }
        throw new AssertionError("no series " + stepId + "/" + name + " in " + answer);
    }
}
