package dev.cutover.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.runbook.RunbookConnection;
import dev.cutover.step.PreflightFinding;
import dev.cutover.step.PreflightPlan;
import dev.cutover.step.ResolvedConnection;
import dev.cutover.step.StepArgumentProblem;
import dev.cutover.testsupport.RecordingStepContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The CloudWatch adapter alone, through the real SDK against {@link CloudWatchApiStub}: what it
 * sends, and each kind of answer a gate must tell apart.
 */
class CloudWatchMetricsAgainstCloudWatchStubTests {

    private static CloudWatchApiStub cloudWatch;

    @BeforeAll
    static void start() {
        cloudWatch = new CloudWatchApiStub();
    }

    @AfterAll
    static void stop() {
        if (cloudWatch != null) {
            cloudWatch.close();
        }
    }

    @BeforeEach
    void reset() {
        cloudWatch.reset();
    }

    @Test
    void allQueriesOfAPeriodGoInOneRpcV2CborRequestOverTwoWholePeriods() throws Exception {
        cloudWatch.put("TargetResponseTime", 0.12);
        cloudWatch.put("SUM(METRICS('errors')) / SUM(METRICS('requests'))", 0.004);
        List<GateQuery> queries = List.of(
                query("error-rate", new MetricQuery.Expression("SUM(METRICS('errors')) / SUM(METRICS('requests'))", Duration.ofMinutes(1))),
                query("p95", new MetricQuery.Stat("AWS/ApplicationELB", "TargetResponseTime", "p95",
                        Map.of("LoadBalancer", "app/shop/123"), Duration.ofMinutes(1))));

        try (MetricSource source = open(Map.of())) {
            assertThat(source.read(queries)).containsExactly(
                    Map.entry("error-rate", new MetricReading.Value(0.004)),
                    Map.entry("p95", new MetricReading.Value(0.12)));
        }

        assertThat(cloudWatch.requests()).hasSize(1);
        Map<String, List<String>> headers = cloudWatch.requestHeaders().get(0);
        assertThat(headers.get("Smithy-protocol")).containsExactly("rpc-v2-cbor");
        assertThat(headers.get("Content-type")).containsExactly("application/cbor");
        assertThat(headers.get("Authorization").get(0)).contains("Credential=AKIDGATE/", "/eu-west-1/monitoring/aws4_request");
        JsonNode request = cloudWatch.requests().get(0);
        assertThat(request.path("ScanBy").asString()).isEqualTo("TimestampDescending");
        double start = request.path("StartTime").asDouble();
        double end = request.path("EndTime").asDouble();
        assertThat(end - start).isEqualTo(120.0);
        assertThat(end % 60).as("ends on a whole period: a period still filling is not read").isZero();
        JsonNode errorRate = request.path("MetricDataQueries").get(0);
        assertThat(errorRate.path("Id").asString()).isEqualTo("error_rate");
        assertThat(errorRate.path("Period").asInt()).isEqualTo(60);
        JsonNode p95 = request.path("MetricDataQueries").get(1).path("MetricStat");
        assertThat(p95.path("Stat").asString()).isEqualTo("p95");
        assertThat(p95.path("Metric").path("Namespace").asString()).isEqualTo("AWS/ApplicationELB");
        assertThat(p95.path("Metric").path("Dimensions").get(0).path("Name").asString()).isEqualTo("LoadBalancer");
        assertThat(p95.path("Metric").path("Dimensions").get(0).path("Value").asString()).isEqualTo("app/shop/123");
    }

    @Test
    void noDatapointIsNoDataAndEachStatusCodeIsTold() throws Exception {
        cloudWatch.put("Broken", 1);
        cloudWatch.status("Broken", "InternalError");
        cloudWatch.put("Partial", 1);
        cloudWatch.status("Partial", "PartialData");
        cloudWatch.put("OtherAccount", 1);
        cloudWatch.status("OtherAccount", "Forbidden");

        try (MetricSource source = open(Map.of())) {
            Map<String, MetricReading> readings = source.read(List.of(stat("absent", "NeverPublished"),
                    stat("broken", "Broken"), stat("partial", "Partial"), stat("other", "OtherAccount")));
            assertThat(readings.get("absent")).isEqualTo(new MetricReading.NoData(
                    "no datapoint in the last two whole periods (2 x 60s)"));
            assertThat(readings.get("broken")).isEqualTo(new MetricReading.Unreadable(
                    "CloudWatch metrics answered InternalError for it"));
            assertThat(readings.get("partial")).isEqualTo(new MetricReading.Unreadable(
                    "CloudWatch metrics answered PartialData for it: the value may be incomplete, so it is not judged"));
            assertThat(readings.get("other")).isInstanceOf(MetricReading.Refused.class)
                    .extracting(r -> ((MetricReading.Refused) r).why()).asString()
                    .startsWith("CloudWatch metrics answered Forbidden for it");
        }
    }

    @Test
    void aSearchAnsweringSeveralSeriesIsNamedAndTheGateSaysHowToAggregateInCloudWatch() throws Exception {
        String search = "SEARCH('{Shop/App,Route} Latency', 'Average')";
        cloudWatch.putSeveral(search, 0.1, 0.2);
        try (MetricSource source = open(Map.of())) {
            assertThat(source.read(List.of(query("latency", new MetricQuery.Expression(search, Duration.ofMinutes(1))))))
                    .containsEntry("latency", new MetricReading.SeveralSeries(List.of(search + " 1", search + " 2")));
        }

        Map<String, Object> with = new HashMap<>(Map.of("connection", "metrics", "interval", "1s", "for", "5s",
                "queries", List.of(item("name", "latency", "expression", search, "pass", "< 0.25"))));
        RecordingStepContext context = new RecordingStepContext(with).connection("metrics", "cloudwatch", defaults());
        assertThatThrownBy(() -> new MetricGateStepType(new MetricGateGauges(new SimpleMeterRegistry())).execute(context))
                .hasMessageContaining("query latency returned 2 series")
                .hasMessageEndingWith("a gate needs exactly one value per query: aggregate the series in the "
                        + "expression, e.g. MAX(SEARCH(...)) or SUM(SEARCH(...))");
    }

    @Test
    void accessDeniedIsRefusedForGoodAndThrottlingOnlyHolds() throws Exception {
        cloudWatch.put("Requests", 5);
        try (MetricSource source = open(Map.of())) {
            cloudWatch.failEvery(403, "AccessDenied");
            assertThatThrownBy(() -> source.read(List.of(stat("requests", "Requests"))))
                    .isInstanceOf(MetricQueryException.class)
                    .hasMessage("CloudWatch metrics in eu-west-1 answered HTTP 403 AccessDenied to GetMetricData: "
                            + "AccessDenied (the stub was told to fail every request); the connection's credentials "
                            + "need the IAM permission cloudwatch:GetMetricData in eu-west-1");

            cloudWatch.failEvery(400, "Throttling");
            assertThat(source.read(List.of(stat("requests", "Requests"))).get("requests"))
                    .isInstanceOf(MetricReading.Unreadable.class)
                    .extracting(r -> ((MetricReading.Unreadable) r).why()).asString()
                    .contains("answered HTTP 400 Throttling to GetMetricData", "still throttled after the SDK's retries");
            assertThat(cloudWatch.requests().size()).as("the SDK retried before giving up").isGreaterThan(2);

            cloudWatch.failEvery(400, "InvalidParameterValue");
            assertThatThrownBy(() -> source.read(List.of(stat("requests", "Requests"))))
                    .isInstanceOf(MetricQueryException.class)
                    .hasMessageContaining("HTTP 400 InvalidParameterValue")
                    .hasMessageEndingWith("check the queries' expression, metric, stat and period");
        }
    }

    @Test
    void anEndpointThatDoesNotListenIsUnreadableNotAFailure() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        try (MetricSource source = open(Map.of("endpoint", "http://127.0.0.1:" + port))) {
            assertThat(source.read(List.of(stat("requests", "Requests"))).get("requests"))
                    .isInstanceOf(MetricReading.Unreadable.class)
                    .extracting(r -> ((MetricReading.Unreadable) r).why()).asString()
                    .startsWith("CloudWatch metrics in eu-west-1 cannot be reached: ");
        }
    }

    @Test
    void connectionMistakesAreNamed() {
        assertThatThrownBy(() -> CloudWatchMetrics.of(connection(Map.of("endpoint", cloudWatch.endpoint())), Duration.ofSeconds(2)))
                .hasMessage("connection 'metrics' needs region:, e.g. eu-west-1 (the region whose metrics the gate reads)");
        assertThatThrownBy(() -> CloudWatchMetrics.of(connection(Map.of("region", "eu-west-1", "url", "x")), Duration.ofSeconds(2)))
                .hasMessageContaining("unknown setting(s) [url]; a cloudwatch connection accepts region, endpoint, "
                        + "accessKeyId, secretAccessKey and sessionToken");
        assertThatThrownBy(() -> CloudWatchMetrics.of(connection(Map.of("region", "eu-west-1", "accessKeyId", "AKID")),
                Duration.ofSeconds(2))).hasMessageContaining("give accessKeyId and secretAccessKey together");
        assertThatThrownBy(() -> CloudWatchMetrics.of(connection(Map.of("region", "eu-west-1", "sessionToken", "t")),
                Duration.ofSeconds(2))).hasMessageContaining("sessionToken needs accessKeyId and secretAccessKey too");
        assertThatThrownBy(() -> CloudWatchMetrics.of(connection(Map.of("region", "eu-west-1", "endpoint", "ftp://x")),
                Duration.ofSeconds(2))).hasMessageContaining("endpoint must be an http:// or https:// URL");
        assertThatThrownBy(() -> MetricSources.open(connection(Map.of("region", "eu-west-1")),
                List.of(query("error-rate", new MetricQuery.PromQl("sum(x)"))), Duration.ofSeconds(2)))
                .hasMessage("queries[0] (error-rate) is written for a prometheus connection, but connection 'metrics' is "
                        + "cloudwatch: write expression: (metric math) or metric: with namespace: and stat:, not query:");
        assertThatThrownBy(() -> MetricSources.open(new RunbookConnection("metrics", "mysql", Map.of())
                .resolved(UnaryOperator.identity()), List.of(), Duration.ofSeconds(2)))
                .hasMessageContaining("connection 'metrics' is of type mysql; a metric-gate reads a prometheus connection");
    }

    @Test
    void validationSaysWhichKeysBelongToWhichConnectionType() {
        List<StepArgumentProblem> problems = MetricGateSpec.problems(new RecordingStepContext(Map.of(
                "connection", "metrics", "for", "5m", "queries", List.of(
                        item("name", "a", "query", "sum(x)", "period", "60s", "pass", "< 1"),
                        item("name", "b", "expression", "SUM(x)", "stat", "p95", "pass", "< 1"),
                        item("name", "c", "metric", "Latency", "pass", "< 1"),
                        item("name", "d", "metric", "Latency", "namespace", "Shop", "stat", "p95", "period", "45s",
                                "dimensions", "LoadBalancer", "pass", "< 1"),
                        item("name", "e", "query", "up", "expression", "SUM(x)", "pass", "< 1")))).arguments(),
                Duration.ofMinutes(10));

        Map<String, String> byField = new LinkedHashMap<>();
        problems.forEach(p -> byField.put(p.field(), p.message()));
        assertThat(byField.get("queries[0].period")).startsWith("'period' belongs to a cloudwatch query (expression: or metric:)");
        assertThat(byField.get("queries[1].stat")).startsWith("'stat' belongs to a metric: query; an expression: names its metrics inside it");
        assertThat(byField.get("queries[2].namespace")).isEqualTo("a metric: query needs namespace:, e.g. AWS/ApplicationELB");
        assertThat(byField.get("queries[2].stat")).isEqualTo("a metric: query needs stat:, e.g. Average, Sum, Maximum or p95");
        assertThat(byField.get("queries[3].period")).startsWith("period '45s' is not a CloudWatch period: give 1s, 5s, 10s, 30s");
        assertThat(byField.get("queries[3].dimensions")).startsWith("dimensions: 'LoadBalancer' is not Name=Value");
        assertThat(byField.get("queries[4].expression")).isEqualTo("give one of query: (prometheus), expression: or "
                + "metric: (cloudwatch) per query, not query and expression");
        assertThat(byField).as(problems.toString()).hasSize(7);

        List<StepArgumentProblem> mixed = MetricGateSpec.problems(new RecordingStepContext(Map.of(
                "connection", "metrics", "for", "5m", "queries", List.of(
                        item("name", "a", "query", "sum(x)", "pass", "< 1"),
                        item("name", "b", "expression", "SUM(x)", "pass", "< 1")))).arguments(), Duration.ofMinutes(10));
        assertThat(mixed).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("queries[1]");
            assertThat(p.message()).contains("one gate reads one connection");
        });
    }

    @Test
    void preflightAsksOnceAndNamesRefusedCredentialsWithAHint() throws Exception {
        cloudWatch.put("Requests", 5);
        Map<String, Object> with = new HashMap<>(Map.of("connection", "metrics", "for", "5m", "queries", List.of(
                item("name", "requests", "namespace", "Shop", "metric", "Requests", "stat", "Sum", "pass", "> 1"),
                item("name", "absent", "namespace", "Shop", "metric", "NeverPublished", "stat", "Sum", "pass", "> 1"))));
        PreflightPlan plan = new PreflightPlan("local", List.of(new PreflightPlan.PlannedStep("traffic-healthy",
                "metric-gate", new RecordingStepContext(with).arguments(), java.util.Set.of("metrics"))),
                Map.of("metrics", connection(defaults())), Duration.ofSeconds(5));

        List<PreflightFinding> findings = new MetricGatePreflight().probes(plan).get(0).run().call();
        assertThat(findings).extracting(PreflightFinding::status)
                .containsExactly(PreflightFinding.Status.OK, PreflightFinding.Status.WARNING);
        assertThat(cloudWatch.requests()).hasSize(1);

        cloudWatch.failEvery(403, "AccessDenied");
        List<PreflightFinding> denied = new MetricGatePreflight().probes(plan).get(0).run().call();
        assertThat(denied).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo(PreflightFinding.Status.FAILED);
            assertThat(f.detail()).contains("answered HTTP 403 AccessDenied");
            assertThat(f.hint()).contains("cloudwatch:GetMetricData");
        });
    }

    private static Map<String, String> item(String... keysAndValues) {
        Map<String, String> item = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            item.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return item;
    }

    private static GateQuery stat(String name, String metric) {
        return query(name, new MetricQuery.Stat("Shop/App", metric, "Sum", Map.of(), Duration.ofMinutes(1)));
    }

    private static GateQuery query(String name, MetricQuery query) {
        return new GateQuery(name, query, Optional.empty(), Optional.empty());
    }

    private static MetricSource open(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(defaults());
        settings.putAll(overrides);
        return CloudWatchMetrics.of(connection(settings), Duration.ofSeconds(3));
    }

    private static Map<String, String> defaults() {
        return Map.of("region", "eu-west-1", "endpoint", cloudWatch.endpoint(), "accessKeyId", "AKIDGATE",
                "secretAccessKey", "not-a-real-secret");
    }

    private static ResolvedConnection connection(Map<String, String> settings) {
        return new RunbookConnection("metrics", "cloudwatch", settings).resolved(UnaryOperator.identity());
    }
}
