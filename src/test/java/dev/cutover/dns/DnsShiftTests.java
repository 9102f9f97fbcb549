package dev.cutover.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.dns.route53.Route53ApiStub;
import dev.cutover.dns.route53.Route53SwitchOpener;
import dev.cutover.dns.rfc2136.Rfc2136SwitchOpener;
import dev.cutover.step.MetricSample;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepStoppedException;
import dev.cutover.testsupport.RecordingStepContext;
import dev.cutover.validation.MetricGateGuard;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * {@code dns-shift} through the real AWS SDK against {@link Route53ApiStub}, with the saved
 * originals in H2 built by the real migrations and the guard judged by the validation module's
 * {@link MetricGateGuard} reading {@link PrometheusQueryStub}.
 */
class DnsShiftTests {

    private static final String NAME = "shop.example.test.";
    private static final RecordSet GCP = new RecordSet(NAME, "CNAME", 300, List.of("shop-lb.gcp.example."));

    private static final String ZONE_ID = "Z0STUBSHIFT0000001";
    private static final String ACCESS_KEY = "AKIASTUBSHIFT0000001";
    private static final String SECRET_KEY = "stub-shift-secret/never+in+messages";

    private final Route53ApiStub route53 = new Route53ApiStub(ZONE_ID, "example.test.", ACCESS_KEY);
    private final PrometheusQueryStub prometheus = new PrometheusQueryStub();
    private SavedShiftOriginals originals;
    private DnsShiftStepType shift;
    private JdbcClient jdbc;

    @BeforeEach
    void setUp() {
        route53.pendingPolls(1);
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:dns-shift-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        new ResourceDatabasePopulator(new ClassPathResource("db/migration/h2/V5__dns_saved_originals.sql"),
                new ClassPathResource("db/migration/h2/V12__dns_shift_originals.sql")).execute(dataSource);
        jdbc = JdbcClient.create(dataSource);
        shift = newStepType();
    }

    /** A fresh step type on the same database, as after a restart of the service. */
    private DnsShiftStepType newStepType() {
        originals = new SavedShiftOriginals(jdbc);
        ReversibleRecordChange changes = new ReversibleRecordChange(
                new DnsSwitches(List.of(new Route53SwitchOpener(), new Rfc2136SwitchOpener())), new SavedOriginals(jdbc));
        return new DnsShiftStepType(changes, originals, new MetricGateGuard(new SimpleMeterRegistry()));
    }

    @AfterEach
    void stop() {
        route53.close();
        prometheus.close();
    }

    @Test
    void aPlainRecordIsShiftedInStepsAndRollbackMakesItPlainAgain() throws Exception {
        route53.seed(GCP);
        List<RoutedRecordSet> before = route53.recordSets(GCP.key());
        RecordingStepContext context = context(Map.of());

        StepOutcome shifted = shift.verify(context, shift.execute(context));

        assertThat(route53.recordSets(GCP.key())).containsExactly(
                weighted("aws", "shop-alb.aws.example.", 100),
                weighted("gcp", "shop-lb.gcp.example.", 0));
        assertThat(shifted.summary()).contains("weights gcp 0 / aws 100", "3 steps", "Route 53 lists those weights");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> steps = (List<Map<String, Object>>) shifted.evidence().get("steps");
        assertThat(steps).extracting(step -> step.get("weights")).containsExactly(
                Map.of("gcp", 90L, "aws", 10L), Map.of("gcp", 50L, "aws", 50L), Map.of("gcp", 0L, "aws", 100L));
        assertThat(steps).allSatisfy(step -> assertThat(step).containsKeys("changeId", "at", "heldMs"));
        assertThat(steps.get(0).get("changeId")).isNotEqualTo(steps.get(1).get("changeId"));
        assertThat(context.progress()).extracting(RecordingStepContext.Progress::message)
                .contains("weights gcp 50 / aws 50, holding 200ms");

        StepOutcome restored = shift.rollback(context);

        assertThat(route53.recordSets(GCP.key())).isEqualTo(before).containsExactly(RoutedRecordSet.plain(GCP));
        assertThat(restored.summary()).startsWith("restored " + NAME + " 300 CNAME shop-lb.gcp.example.");
        assertThat(shifted.evidence() + " " + restored.evidence() + " " + context.progress())
                .doesNotContain(SECRET_KEY);
    }

    @Test
    void rollbackAfterAFinishedShiftRestoresTheWeightedOriginalsExactly() throws Exception {
        route53.seed(weighted("gcp", "shop-lb.gcp.example.", 200));
        route53.seed(weighted("aws", "old-alb.aws.example.", 0));
        List<RoutedRecordSet> before = route53.recordSets(GCP.key());
        RecordingStepContext context = context(Map.of());

        shift.execute(context);
        assertThat(DnsShiftStepType.weightOf(route53.recordSets(GCP.key()), "aws")).isEqualTo(100);
        shift.rollback(context);

        assertThat(route53.recordSets(GCP.key())).isEqualTo(before);
    }

    @Test
    void aFailingGuardAtStepTwoPutsTheOriginalBackAndFailsTheStep() throws Exception {
        route53.seed(GCP);
        prometheus.value(0.002);
        RecordingStepContext context = context(Map.of("guard", "app-metrics", "interval", "50ms",
                "queries", List.of(Map.of("name", "error-rate", "query", "sum(rate(http_errors_total[1m]))",
                        "pass", "< 0.01", "failWhen", "> 0.05"))))
                .connection("app-metrics", "prometheus", Map.of("url", prometheus.url()));
        Thread raiser = new Thread(() -> {
            while (context.progress().stream().noneMatch(p -> p.message().startsWith("weights gcp 50 / aws 50, held"))) {
                sleep(5);
            }
            prometheus.value(0.2);
        });
        raiser.setDaemon(true);
        raiser.start();

        assertThatThrownBy(() -> shift.execute(context))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("the guard failed at step 2 (weights gcp 50 / aws 50)")
                .hasMessageContaining("error-rate = 0.2 meets failWhen > 0.05")
                .hasMessageContaining("restored " + NAME + " 300 CNAME shop-lb.gcp.example.")
                .satisfies(e -> assertThat(((StepFailedException) e).evidence()).containsKeys("steps", "reverted"));

        assertThat(route53.recordSets(GCP.key())).containsExactly(RoutedRecordSet.plain(GCP));
        assertThat(context.progress()).extracting(RecordingStepContext.Progress::message)
                .anyMatch(m -> m.startsWith("weights gcp 90 / aws 10, held ") && m.contains("error-rate 0.002 (pass < 0.01)"));
        // Every round of the guard is charted, named as the guard's, with both conditions to draw.
        List<MetricSample> charted = context.charted().stream().map(MetricSample.class::cast).toList();
        assertThat(charted).isNotEmpty().allSatisfy(sample -> {
            assertThat(sample.series()).isEqualTo("guard: error-rate");
            assertThat(sample.pass()).isEqualTo(new MetricSample.Bound("<", 0.01, "< 0.01"));
            assertThat(sample.failWhen()).isEqualTo(new MetricSample.Bound(">", 0.05, "> 0.05"));
        });
        assertThat(charted.get(0).value()).isEqualTo(0.002);
        assertThat(charted.get(0).verdict()).isEqualTo(MetricSample.Verdict.PASS);
        assertThat(charted.get(charted.size() - 1).value()).isEqualTo(0.2);
        assertThat(charted.get(charted.size() - 1).verdict()).isEqualTo(MetricSample.Verdict.FAIL_WHEN);
    }

    @Test
    void aStepWhoseGuardMissesItsPassStaysHeldUntilItPassesThenMovesOn() throws Exception {
        route53.seed(GCP);
        prometheus.value(0.02);  // misses pass < 0.01, but not failWhen > 0.05: hold, do not fail
        RecordingStepContext context = context(Map.of("steps", List.of("100"), "guard", "app-metrics",
                "interval", "50ms", "queries", List.of(Map.of("name", "error-rate", "query", "x",
                        "pass", "< 0.01", "failWhen", "> 0.05"))))
                .connection("app-metrics", "prometheus", Map.of("url", prometheus.url()));
        Thread healer = new Thread(() -> {
            while (context.progress().stream().noneMatch(p -> p.message().contains("hold over, waiting until every "
                    + "pass condition holds"))) {
                sleep(5);
            }
            sleep(300);
            prometheus.value(0.001);
        });
        healer.setDaemon(true);
        healer.start();

        StepOutcome shifted = shift.execute(context);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> steps = (List<Map<String, Object>>) shifted.evidence().get("steps");
        assertThat((Long) steps.get(0).get("heldMs")).isGreaterThanOrEqualTo(500);
        assertThat(steps.get(0).get("guard").toString()).contains("passing", "0.001");
        assertThat(DnsShiftStepType.weightOf(route53.recordSets(GCP.key()), "aws")).isEqualTo(100);
    }

    @Test
    void theGuardIsValidatedWithMetricGatesRulesAtItsFields() {
        java.util.function.Function<Map<String, Object>, List<String>> problems = with -> shift.validate(
                new dev.cutover.step.MapStepArguments(new LinkedHashMap<>(with), s -> s, DnsShiftTests::duration),
                Duration.ofMinutes(30)).stream().map(p -> p.field() + ": " + p.message()).toList();
        Map<String, Object> base = Map.of("connection", "public-zone", "record", "shop", "type", "CNAME", "from", "gcp",
                "to", "aws", "toValues", List.of("x."), "steps", List.of("10", "50", "100"), "hold", "5m");

        Map<String, Object> badGuard = new LinkedHashMap<>(base);
        badGuard.putAll(Map.of("guard", "app-metrics", "queries", List.of(Map.of("name", "e", "query", "q", "pass", "lt 1"))));
        assertThat(problems.apply(badGuard)).singleElement().asString().startsWith("queries[0].pass: pass: 'lt 1' is not a condition");

        Map<String, Object> noGuard = new LinkedHashMap<>(base);
        noGuard.put("queries", List.of(Map.of("name", "e", "query", "q", "pass", "< 1")));
        assertThat(problems.apply(noGuard)).singleElement().asString().startsWith("queries: queries belongs to the guard");

        Map<String, Object> badSteps = new LinkedHashMap<>(base);
        badSteps.putAll(Map.of("steps", List.of("50", "10"), "hold", "20m", "to", "gcp"));
        assertThat(problems.apply(badSteps)).extracting(p -> p.substring(0, p.indexOf(':')))
                .containsExactly("to", "steps[1]", "hold");
    }

    private static Duration duration(String text) {
        return text.endsWith("ms") ? Duration.ofMillis(Long.parseLong(text.replace("ms", "")))
                : text.endsWith("m") ? Duration.ofMinutes(Long.parseLong(text.replace("m", "")))
                : Duration.ofSeconds(Long.parseLong(text.replace("s", "")));
    }

    @Test
    void aStopMidShiftLeavesTheOriginalSavedSoARollbackAfterARestartRestoresIt() throws Exception {
        route53.seed(GCP);
        RecordingStepContext context = context(Map.of("hold", "2s"));
        Thread stopper = new Thread(() -> {
            while (context.progress().stream().noneMatch(p -> p.message().startsWith("weights gcp 50 / aws 50, holding"))) {
                sleep(5);
            }
            context.requestStop();  // an operator's stop, or the service going down mid-shift
        });
        stopper.setDaemon(true);
        stopper.start();

        assertThatThrownBy(() -> shift.execute(context)).isInstanceOf(StepStoppedException.class);
        assertThat(DnsShiftStepType.weightOf(route53.recordSets(GCP.key()), "aws")).isEqualTo(50);

        StepOutcome restored = newStepType().rollback(context(Map.of()));

        assertThat(route53.recordSets(GCP.key())).containsExactly(RoutedRecordSet.plain(GCP));
        assertThat(restored.summary()).contains("restored");
    }

    @Test
    void anRfc2136ZoneHasNoWeightsSoTheStepFailsBeforeChangingAnything() {
        RecordingStepContext context = context(Map.of("connection", "bind"))
                .connection("bind", "rfc2136", Map.of("server", "127.0.0.1", "port", "1", "zone", "example.test.",
                        "tsigKeyName", "k", "tsigSecret", "c2VjcmV0"));

        assertThatThrownBy(() -> shift.execute(context))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("has no weighted records")
                .hasMessageContaining("use dns-switch");
    }

    private RecordingStepContext context(Map<String, Object> overrides) {
        Map<String, Object> with = new LinkedHashMap<>(Map.of("connection", "public-zone", "record", "shop",
                "type", "CNAME", "from", "gcp", "to", "aws", "toValues", List.of("shop-alb.aws.example."),
                "steps", List.of("10", "50", "100"), "hold", "200ms"));
        with.putAll(overrides);
        return new RecordingStepContext(with).stepId("shift-traffic").timeout(Duration.ofSeconds(30))
                .connection("public-zone", "route53", Map.of("hostedZoneId", ZONE_ID, "zone", "example.test.",
                        "region", "us-east-1", "endpoint", route53.endpoint().toString(), "accessKeyId", ACCESS_KEY,
                        "secretAccessKey", SECRET_KEY, "pollIntervalMs", "20"));
    }

    private static RoutedRecordSet weighted(String id, String value, long weight) {
        return RoutedRecordSet.weighted(new RecordSet(NAME, "CNAME", 300, List.of(value)), id, weight);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
