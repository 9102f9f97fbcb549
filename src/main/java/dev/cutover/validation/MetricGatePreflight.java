package dev.cutover.validation;

import dev.cutover.step.PreflightCheck;
import dev.cutover.step.PreflightFinding;
import dev.cutover.step.PreflightPlan;
import dev.cutover.step.PreflightProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Preflight of metric gates: every query of every {@code metric-gate}, and of every {@code dns-shift}'s
 * metric guard, is asked once, read-only, so a typo in PromQL or metric math, wrong credentials or
 * region or a query that returns several series show up before the night rather than at the gate.
 * A query with no data now, or already meeting its failWhen, is a warning: the metrics of the night
 * are not those of the preflight.
 */
@Component
class MetricGatePreflight implements PreflightCheck {

    /** The parameter of a {@code dns-shift} naming its guard's metrics connection. */
    private static final String GUARD = "guard";

    @Override
    public List<PreflightProbe> probes(PreflightPlan plan) {
        List<PreflightProbe> probes = new ArrayList<>();
        for (PreflightPlan.PlannedStep step : plan.stepsOfType(List.of("metric-gate"))) {
            String connection = step.with().string("connection").orElse("");
            probes.add(new PreflightProbe("queries answer", connection, List.of(step.id()),
                    () -> answers(plan, connection, () -> MetricGateSpec.of(step.with()), "query ", plan.timeout())));
        }
        // A dns-shift's guard judges its queries as a metric gate does: the same checks, before the night.
        for (PreflightPlan.PlannedStep step : plan.stepsOfType(List.of("dns-shift"))) {
            step.with().string(GUARD).ifPresent(connection -> probes.add(new PreflightProbe("guard queries answer", connection,
                    List.of(step.id()), () -> answers(plan, connection, () -> guardSpec(step), "guard query ",
                    plan.timeout()))));
        }
        return probes;
    }

    private static MetricGateSpec guardSpec(PreflightPlan.PlannedStep step) {
        List<dev.cutover.step.StepArgumentProblem> problems = new ArrayList<>();
        MetricGateSpec spec = MetricGateSpec.guard(step.with(), GUARD, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.get(0).field() + ": " + problems.get(0).message());
        }
        return spec;
    }

    private static List<PreflightFinding> answers(PreflightPlan plan, String name,
                                                  java.util.function.Supplier<MetricGateSpec> specOf, String findingPrefix,
                                                  Duration timeout) throws InterruptedException {
        Optional<dev.cutover.step.ResolvedConnection> connection = plan.connection(name);
        if (connection.isEmpty()) {
            return List.of(PreflightFinding.failed("environment " + plan.environment() + " has no connection " + name,
                    "add it under environments." + plan.environment() + ".connections"));
        }
        MetricGateSpec spec;
        MetricSource source;
        try {
            spec = specOf.get();
            source = MetricSources.open(connection.get(), spec.queries(), timeout);
        } catch (IllegalArgumentException e) {
            return List.of(PreflightFinding.failed(e.getMessage(), "fix the connection's settings"));
        }
        // One read of every query: for cloudwatch a single GetMetricData, which proves the region
        // answers and the credentials may read metrics, as cheaply as CloudWatch allows.
        try (source) {
            Map<String, MetricReading> readings;
            try {
                readings = source.read(spec.queries());
            } catch (MetricQueryException e) {
                return List.of(PreflightFinding.failed(e.getMessage(), source.hint()));
            }
            List<PreflightFinding> findings = new ArrayList<>();
            for (GateQuery query : spec.queries()) {
                findings.add(answer(readings.get(query.name()), query, spec.noData(), source.hint())
                        .named(findingPrefix + query.name()));
            }
            return findings;
        }
    }

    private static PreflightFinding answer(MetricReading reading, GateQuery query, MetricGateSpec.NoData noData,
                                           String hint) {
        if (reading instanceof MetricReading.Refused refused) {
            return PreflightFinding.failed(refused.why(), "fix the query or the connection's credentials");
        }
        if (reading instanceof MetricReading.Value v) {
            if (query.failWhen().isPresent() && query.failWhen().get().holds(v.value())) {
                return PreflightFinding.warning("answers " + v.value() + ", which meets failWhen " + query.failWhen().get()
                        + " now", "the gate would fail at once if the night started now");
            }
            return PreflightFinding.ok("answers " + v.value() + query.pass().map(p -> " (pass " + p + ")").orElse(""));
        }
        if (reading instanceof MetricReading.NoData none) {
            return PreflightFinding.warning("no data now: " + none.why(), "with noData: "
                    + noData.name().toLowerCase() + " the gate would " + switch (noData) {
                        case HOLD -> "hold until there is data";
                        case FAIL -> "fail";
                        case PASS -> "count it as passing";
                    } + "; check the metric names if data is expected");
        }
        if (reading instanceof MetricReading.SeveralSeries several) {
            return PreflightFinding.failed("returns " + several.series().size() + " series; a gate needs one value",
                    query.query() instanceof MetricQuery.PromQl ? "aggregate the series, e.g. sum(...) or max(...)"
                            : "aggregate the series in the expression, e.g. MAX(SEARCH(...)) or SUM(SEARCH(...))");
        }
        return PreflightFinding.failed(reading == null ? "no answer" : ((MetricReading.Unreadable) reading).why(), hint);
    }
}
