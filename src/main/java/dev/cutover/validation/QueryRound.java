package dev.cutover.validation;

import dev.cutover.step.MetricSample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One round of a metric gate's queries: every query read once and judged against its {@code pass}
 * and {@code failWhen} conditions and the gate's {@code noData} rule. Shared by {@code metric-gate}
 * and by the {@link dev.cutover.step.MetricGuard} other steps use, so both judge a value the same way.
 */
final class QueryRound {

    private final MetricGateSpec spec;
    private final MetricSource source;
    private final MetricGateGauges gauges;
    private final String stepId;
    private final String seriesPrefix;

    /** @param seriesPrefix put before each query's name in the charted samples: empty for a gate, {@code guard: } for a guard */
    QueryRound(MetricGateSpec spec, MetricSource source, MetricGateGauges gauges, String stepId, String seriesPrefix) {
        this.spec = spec;
        this.source = source;
        this.gauges = gauges;
        this.stepId = stepId;
        this.seriesPrefix = seriesPrefix;
    }

    /** Every query once; the first one that fails the gate says why. */
    Sample sample() throws InterruptedException {
        Map<String, Object> values = new LinkedHashMap<>();
        List<MetricSample> charted = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        List<String> heldBy = new ArrayList<>();
        Verdict verdict = Verdict.WITHIN;
        String failure = null;
        Map<String, MetricReading> readings;
        try {
            readings = source.read(spec.queries());
        } catch (MetricQueryException e) {
            spec.queries().forEach(q -> values.put(q.name(), "refused"));
            spec.queries().forEach(q -> charted.add(charted(q, null, MetricSample.Verdict.NO_DATA)));
            return new Sample(Verdict.FAIL, values, "refused", List.of(), e.getMessage(), charted);
        }
        for (GateQuery query : spec.queries()) {
            MetricReading reading = readings.getOrDefault(query.name(), new MetricReading.Unreadable("no answer"));
            if (reading instanceof MetricReading.Refused refused) {
                failure = "query " + query.name() + ": " + refused.why();
                values.put(query.name(), "refused");
                charted.add(charted(query, null, MetricSample.Verdict.NO_DATA));
                parts.add(query.name() + " refused");
                verdict = Verdict.FAIL;
                break;
            }
            Judged judged = judge(query, reading);
            values.put(query.name(), judged.figure);
            charted.add(charted(query, judged.value, judged.value == null ? MetricSample.Verdict.NO_DATA
                    : switch (judged.verdict) {
                        case WITHIN -> MetricSample.Verdict.PASS;
                        case OUTSIDE, HOLD -> MetricSample.Verdict.FAIL;
                        case FAIL -> MetricSample.Verdict.FAIL_WHEN;
                    }));
            parts.add(query.name() + " " + judged.text);
            if (judged.value != null) {
                gauges.record(stepId, query.name(), judged.value);
            } else {
                gauges.record(stepId, query.name(), Double.NaN);
            }
            if (judged.verdict == Verdict.FAIL) {
                verdict = Verdict.FAIL;
                failure = judged.failure;
                break;  // fails at once: later queries cannot change that
            }
            if (judged.verdict == Verdict.OUTSIDE || judged.verdict == Verdict.HOLD) {
                heldBy.add(query.name() + " " + judged.text);
            }
            if (judged.verdict.ordinal() > verdict.ordinal()) {
                verdict = judged.verdict;
            }
        }
        return new Sample(verdict, values, String.join("; ", parts), List.copyOf(heldBy), failure, charted);
    }

    /** One query's reading for the charts: the value with the query's unit and conditions. */
    private MetricSample charted(GateQuery query, Double value, MetricSample.Verdict verdict) {
        return new MetricSample(seriesPrefix + query.name(), value, query.unit().orElse(null),
                query.pass().map(QueryRound::bound).orElse(null), query.failWhen().map(QueryRound::bound).orElse(null),
                verdict);
    }

    private static MetricSample.Bound bound(Condition condition) {
        return new MetricSample.Bound(condition.operator(), condition.threshold(), condition.text());
    }

    private Judged judge(GateQuery query, MetricReading reading) {
        if (reading instanceof MetricReading.Value v) {
            double value = v.value();
            Object figure = Double.isFinite(value) ? (Object) value : String.valueOf(value);
            String shown = format(value);
            if (query.failWhen().isPresent() && query.failWhen().get().holds(value)) {
                return new Judged(Verdict.FAIL, figure, value, shown + " (failWhen " + query.failWhen().get() + ")",
                        query.name() + " = " + shown + " meets failWhen " + query.failWhen().get());
            }
            if (query.pass().isPresent() && !query.pass().get().holds(value)) {
                return new Judged(Verdict.OUTSIDE, figure, value, shown + " (misses pass " + query.pass().get() + ")", null);
            }
            return new Judged(Verdict.WITHIN, figure, value, shown + query.pass().map(p -> " (pass " + p + ")").orElse(""), null);
        }
        if (reading instanceof MetricReading.NoData none) {
            return switch (spec.noData()) {
                case FAIL -> new Judged(Verdict.FAIL, "no data", null, "no data",
                        query.name() + " has no data (" + none.why() + ") and noData is fail");
                case PASS -> new Judged(Verdict.WITHIN, "no data", null, "no data (counts as passing: noData: pass)", null);
                case HOLD -> new Judged(Verdict.HOLD, "no data", null, "no data (holding: noData: hold; " + none.why() + ")", null);
            };
        }
        if (reading instanceof MetricReading.SeveralSeries several) {
            List<String> series = several.series();
            return new Judged(Verdict.FAIL, series.size() + " series", null, series.size() + " series",
                    "query " + query.name() + " returned " + series.size() + " series ("
                    + String.join(", ", series.subList(0, Math.min(3, series.size()))) + (series.size() > 3 ? ", ..." : "")
                    + "); a gate needs exactly one value per query: " + (query.query() instanceof MetricQuery.PromQl
                    ? "aggregate the series, e.g. sum(...) or max(...)"
                    : "aggregate the series in the expression, e.g. MAX(SEARCH(...)) or SUM(SEARCH(...))"));
        }
        MetricReading.Unreadable unreadable = (MetricReading.Unreadable) reading;
        return new Judged(Verdict.HOLD, "unreadable", null, "unreadable (" + unreadable.why() + ")", null);
    }

    static String format(double value) {
        if (!Double.isFinite(value)) {
            return String.valueOf(value);
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value)
                : String.format(java.util.Locale.ROOT, "%.6g", value).replaceFirst("\\.?0+(e|$)", "$1");
    }

    /** Ordered from best to worst: a sample takes the worst verdict of its queries. */
    enum Verdict { WITHIN, OUTSIDE, HOLD, FAIL }

    /** @param charted each query's reading for the charts ({@link dev.cutover.step.StepContext#recordSamples}) */
    record Sample(Verdict verdict, Map<String, Object> values, String summary, List<String> heldBy, String failure,
                  List<MetricSample> charted) {
    }

    private record Judged(Verdict verdict, Object figure, Double value, String text, String failure) {
    }
}
