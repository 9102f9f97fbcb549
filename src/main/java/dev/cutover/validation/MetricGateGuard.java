package dev.cutover.validation;

import dev.cutover.step.MetricGuard;
import dev.cutover.step.StepArgumentProblem;
import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@link MetricGuard} on a {@code type: prometheus} or {@code type: cloudwatch} connection: the rounds of {@code metric-gate}
 * ({@link QueryRound}), so a guarded step and a gate judge the same value the same way.
 */
@Component
public class MetricGateGuard implements MetricGuard {

    /** What a guard's query series are named on the charts: {@code guard: error-rate}. */
    static final String GUARD_SERIES = "guard: ";

    private final MetricGateGauges gauges;

    @org.springframework.beans.factory.annotation.Autowired
    MetricGateGuard(MetricGateGauges gauges) {
        this.gauges = gauges;
    }

    /** For tests of the steps that use a guard; the service wires the bean. */
    public MetricGateGuard(io.micrometer.core.instrument.MeterRegistry registry) {
        this(new MetricGateGauges(registry));
    }

    @Override
    public List<StepArgumentProblem> problems(StepArguments with, String connectionParameter) {
        List<StepArgumentProblem> problems = new ArrayList<>();
        MetricGateSpec.guard(with, connectionParameter, problems);
        return problems;
    }

    @Override
    public Watch watch(StepContext context, String connectionParameter) throws StepFailedException {
        List<StepArgumentProblem> problems = new ArrayList<>();
        MetricGateSpec spec = MetricGateSpec.guard(context.arguments(), connectionParameter, problems);
        if (!problems.isEmpty()) {
            throw new StepFailedException(problems.get(0).field() + ": " + problems.get(0).message());
        }
        MetricSource source;
        try {
            source = MetricSources.open(context.connection(spec.connection()), spec.queries(), spec.requestTimeout());
        } catch (IllegalArgumentException e) {
            throw new StepFailedException(context.redact(e.getMessage()));
        }
        QueryRound round = new QueryRound(spec, source, gauges, context.stepId(), GUARD_SERIES);
        return new Watch() {
            @Override
            public Duration interval() {
                return spec.interval();
            }

            @Override
            public void close() {
                source.close();
            }

            @Override
            public Sample sample() {
                QueryRound.Sample sample;
                try {
                    java.time.Instant at = java.time.Instant.now();
                    sample = round.sample();
                    context.recordSamples(at, sample.charted());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Sample(Verdict.HOLDING, "interrupted", Map.of(), null, Map.of());
                }
                Verdict verdict = switch (sample.verdict()) {
                    case WITHIN -> Verdict.PASSING;
                    case OUTSIDE, HOLD -> Verdict.HOLDING;
                    case FAIL -> Verdict.FAILING;
                };
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("verdict", verdict.name().toLowerCase(java.util.Locale.ROOT));
                evidence.put("values", sample.values());
                evidence.put("summary", context.redact(sample.summary()));
                if (sample.failure() != null) {
                    evidence.put("failure", context.redact(sample.failure()));
                }
                evidence.put("connection", spec.connection());
                evidence.put("noData", spec.noData().name().toLowerCase(java.util.Locale.ROOT));
                return new Sample(verdict, context.redact(sample.summary()), sample.values(),
                        sample.failure() == null ? null : context.redact(sample.failure()), evidence);
            }
        };
    }
}
