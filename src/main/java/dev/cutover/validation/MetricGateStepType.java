package dev.cutover.validation;

import dev.cutover.step.DurationText;
import dev.cutover.step.StepArgumentProblem;
import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepStoppedException;
import dev.cutover.step.StepType;
import dev.cutover.step.StopAwareSleep;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code metric-gate}: every {@code interval} it evaluates every query; it passes once every
 * query met its {@code pass} condition for the whole {@code for:} window, and fails at once when a
 * query meets its {@code failWhen}. A sample that misses a {@code pass}, or (with the default
 * {@code noData: hold}) has no data, starts the window again: missing data is never success unless
 * the runbook says {@code noData: pass}. The step's timeout fails a gate that never held long enough.
 */
@Component
class MetricGateStepType implements StepType {

    /** Changes nothing outside: after its instance died it may simply run again from the start. */
    @Override
    public boolean resumable() {
        return true;
    }

    private static final int SAMPLES_KEPT = 20;

    private final MetricGateGauges gauges;

    MetricGateStepType(MetricGateGauges gauges) {
        this.gauges = gauges;
    }

    @Override
    public String name() {
        return "metric-gate";
    }

    @Override
    public String description() {
        return "Evaluates metric queries (Prometheus or CloudWatch) every interval and passes when every condition held for the whole "
                + "for: window; fails at once when a failWhen condition is met";
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(
                StepParameter.required("connection", Kind.CONNECTION, "the metrics source, a type: prometheus or type: cloudwatch connection"),
                StepParameter.required("for", Kind.DURATION, "how long every condition must hold without a break, e.g. 10m"),
                StepParameter.optional("interval", Kind.DURATION, "time between evaluations (default 15s)"),
                StepParameter.oneOf("noData", false, "what a query without data means (default hold: neither pass nor "
                        + "fail, the window starts again)", "hold", "fail", "pass"),
                StepParameter.required("queries", Kind.MAPPINGS, "the queries, each { name, query, pass, failWhen, unit (optional, labels the chart) } on prometheus, or with expression: "
                        + "or metric:, namespace:, stat:, dimensions:, period: instead of query: on cloudwatch, "
                        + "e.g. - { name: error-rate, query: \"...\", pass: \"< 0.01\", failWhen: \"> 0.05\" }"));
    }

    @Override
    public List<StepArgumentProblem> validate(StepArguments with, Duration stepTimeout) {
        return MetricGateSpec.problems(with, stepTimeout);
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        MetricGateSpec spec = MetricGateSpec.of(context.arguments());
        MetricSource source;
        try {
            source = MetricSources.open(context.connection(spec.connection()), spec.queries(), spec.requestTimeout());
        } catch (IllegalArgumentException e) {
            throw new StepFailedException(context.redact(e.getMessage()));
        }
        try (source) {
            return new Run(context, spec, source).await();
        }
    }

    /** One gate's sampling: the window under way, the samples kept as evidence. */
    private final class Run {

        private final StepContext context;
        private final MetricGateSpec spec;
        private final QueryRound round;
        private final Deque<Map<String, Object>> kept = new ArrayDeque<>();
        private final long started = System.nanoTime();
        private int taken;

        Run(StepContext context, MetricGateSpec spec, MetricSource source) {
            this.context = context;
            this.spec = spec;
            this.round = new QueryRound(spec, source, gauges, context.stepId(), "");
        }

        StepOutcome await() throws Exception {
            long deadline = started + context.timeout().toNanos();
            Long windowStart = null;
            while (true) {
                if (context.stopRequested()) {
                    throw new StepStoppedException("metric gate stopped on request before it passed");
                }
                long sampledAt = System.nanoTime();
                java.time.Instant at = java.time.Instant.now();
                QueryRound.Sample sample = round.sample();
                context.recordSamples(at, sample.charted());  // one batch insert per round, as a lag gate's
                taken++;
                windowStart = sample.verdict() == QueryRound.Verdict.WITHIN ? (windowStart == null ? sampledAt : windowStart) : null;
                long heldMs = windowStart == null ? 0 : Duration.ofNanos(sampledAt - windowStart).toMillis();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("atMs", Duration.ofNanos(sampledAt - started).toMillis());
                row.put("verdict", sample.verdict().name().toLowerCase());
                row.put("values", sample.values());  // by query name, apart from the row's own keys
                row.put("heldMs", heldMs);
                kept.addLast(row);
                if (kept.size() > SAMPLES_KEPT) {
                    kept.removeFirst();
                }
                String held = "held " + DurationText.of(Duration.ofMillis(heldMs)) + " of " + DurationText.of(spec.window());
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("values", sample.values());
                figures.put("verdict", sample.verdict().name().toLowerCase());
                figures.put("heldMs", heldMs);
                figures.put("forMs", spec.window().toMillis());
                figures.put("heldBy", sample.heldBy().stream().map(context::redact).toList());  // the dashboard says what holds the window
                context.progress(context.redact(sample.summary() + " — " + held), figures);
                if (sample.verdict() == QueryRound.Verdict.FAIL) {
                    throw new StepFailedException(context.redact("metric gate failed: " + sample.failure()),
                            evidence(sample, heldMs));
                }
                if (windowStart != null && heldMs >= spec.window().toMillis()) {
                    return StepOutcome.succeeded(context.redact("metric gate passed: every condition held for "
                            + DurationText.of(spec.window()) + "; " + sample.summary()), evidence(sample, heldMs));
                }
                long next = sampledAt + spec.interval().toNanos();
                if (next >= deadline) {
                    throw new StepFailedException(context.redact("metric gate did not pass within the step's timeout ("
                            + DurationText.of(context.timeout()) + "): " + held + "; last sample: " + sample.summary()),
                            evidence(sample, heldMs));
                }
                StopAwareSleep.until(next, context, "the metric gate was waiting for its window");
            }
        }

        private Map<String, Object> evidence(QueryRound.Sample last, long heldMs) {
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("verdict", last.verdict().name().toLowerCase());
            evidence.put("last", kept.peekLast());
            evidence.put("heldMs", heldMs);
            evidence.put("forMs", spec.window().toMillis());
            evidence.put("intervalMs", spec.interval().toMillis());
            evidence.put("noData", spec.noData().name().toLowerCase());
            List<Map<String, Object>> queries = new ArrayList<>();
            for (GateQuery query : spec.queries()) {
                Map<String, Object> described = new LinkedHashMap<>();
                described.put("name", query.name());
                described.put(query.query() instanceof MetricQuery.PromQl ? "query"
                        : query.query() instanceof MetricQuery.Expression ? "expression" : "metric", query.query().text());
                if (query.query() instanceof MetricQuery.CloudWatch cloudWatch) {
                    described.put("periodMs", cloudWatch.period().toMillis());
                }
                query.pass().ifPresent(p -> described.put("pass", p.toString()));
                query.failWhen().ifPresent(f -> described.put("failWhen", f.toString()));
                queries.add(described);
            }
            evidence.put("queries", queries);
            evidence.put("samplesTaken", taken);
            evidence.put("waitedMs", Duration.ofNanos(System.nanoTime() - started).toMillis());
            evidence.put("samples", List.copyOf(kept));
            return evidence;
        }
    }

}
