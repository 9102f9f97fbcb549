package dev.cutover.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.testsupport.RecordingStepContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MetricSource} adapter must give a {@code metric-gate}: the same gate scenarios
 * run through {@link MetricGateStepType} against a real Prometheus ({@link LocalPrometheus}) and the
 * CloudWatch API stub ({@link CloudWatchApiStub}), with the connection's secret given as a secret
 * reference. Each test uses its own metric name, so the tests share one server.
 */
abstract class MetricSourceContract {

    protected static final String SECRET_ENV = "METRICS_SECRET";

    /** The connection type under test. */
    protected abstract String type();

    /**
     * The connection's settings; the secret part is {@code ${env:METRICS_SECRET}}.
     *
     * @param refused settings (with {@link #secret(boolean)}) that the source refuses
     */
    protected abstract Map<String, String> settings(boolean refused);

    /** The value of {@code METRICS_SECRET}: the one the source accepts unless {@code refused}. */
    protected abstract String secret(boolean refused);

    /** Makes {@code metric} read {@code value} from the source, and waits until it does. */
    protected abstract void set(String metric, double value);

    /** The query keys that read {@code metric} as one value, e.g. {@code query: max(metric)}. */
    protected abstract Map<String, String> reads(String metric);

    /** What the gate's failure must say when the source refuses the credentials. */
    protected abstract String refusalSays();

    @Test
    void aHealthyValuePassesOnceTheWholeWindowHeld() throws Exception {
        String metric = metric();
        set(metric, 0.002);
        RecordingStepContext context = gate(metric, "2s", "hold", false);

        StepOutcome outcome = new MetricGateStepType(gauges()).execute(context);

        assertThat(outcome.summary()).contains("metric gate passed: every condition held for 2s", "error-rate 0.002 (pass < 0.01)");
        assertThat((long) outcome.evidence().get("heldMs")).isGreaterThanOrEqualTo(2000);
        assertThat((int) outcome.evidence().get("samplesTaken")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aRaisedValueFailsAtOnceByFailWhen() {
        String metric = metric();
        set(metric, 0.2);
        RecordingStepContext context = gate(metric, "1m", "hold", false);

        assertThatThrownBy(() -> new MetricGateStepType(gauges()).execute(context))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("metric gate failed: error-rate = 0.2 meets failWhen > 0.05")
                .satisfies(e -> assertThat(((StepFailedException) e).evidence().get("samplesTaken")).isEqualTo(1));
    }

    @Test
    void noDataHoldsTheGateUntilItsTimeout() {
        RecordingStepContext context = gate(metric(), "2s", "hold", false).timeout(Duration.ofSeconds(3));

        assertThatThrownBy(() -> new MetricGateStepType(gauges()).execute(context))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("did not pass within the step's timeout (3s): held 0s of 2s")
                .hasMessageContaining("error-rate no data (holding: noData: hold; ")
                .satisfies(e -> assertThat(((StepFailedException) e).evidence().get("heldMs")).isEqualTo(0L));
        assertThat(context.progress()).isNotEmpty().allSatisfy(p -> assertThat(p.figures().get("verdict")).isEqualTo("hold"));
    }

    @Test
    void refusedCredentialsFailTheGateAtOnceWithAClearMessage() {
        String metric = metric();
        set(metric, 0.002);
        RecordingStepContext context = gate(metric, "1m", "hold", true);

        assertThatThrownBy(() -> new MetricGateStepType(gauges()).execute(context))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith("metric gate failed: ")
                .hasMessageContaining(refusalSays())
                .satisfies(e -> assertThat(e.getMessage() + ((StepFailedException) e).evidence()).doesNotContain(secret(true)).doesNotContain(secret(false)));
    }

    @Test
    void theSecretNeverReachesProgressOrEvidence() throws Exception {
        String metric = metric();
        set(metric, 0.002);
        RecordingStepContext context = gate(metric, "1s", "hold", false);

        StepOutcome outcome = new MetricGateStepType(gauges()).execute(context);

        assertThat(outcome.summary()).contains("metric gate passed");
        assertThat(outcome.summary() + outcome.evidence() + context.progress()).doesNotContain(secret(false));
    }

    private RecordingStepContext gate(String metric, String window, String noData, boolean refused) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("name", "error-rate");
        query.putAll(reads(metric));
        query.put("pass", "< 0.01");
        query.put("failWhen", "> 0.05");
        Map<String, Object> with = new LinkedHashMap<>();
        with.put("connection", "metrics");
        with.put("interval", "1s");
        with.put("for", window);
        with.put("noData", noData);
        with.put("queries", List.of(query));
        return new RecordingStepContext(with).secret(SECRET_ENV, secret(refused)).connection("metrics", type(), settings(refused))
                .timeout(Duration.ofSeconds(20));
    }

    private static MetricGateGauges gauges() {
        return new MetricGateGauges(new SimpleMeterRegistry());
    }

    private static String metric() {
        return "gate" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }
}
