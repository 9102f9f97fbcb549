package dev.cutover.cutover;

import dev.cutover.cutover.state.GateSampleRepository;
import dev.cutover.step.ChartedSample;
import dev.cutover.step.GateSample;
import dev.cutover.step.MetricSample;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The readings of a cutover's sampled gates: lags of {@code mysql-lag-gate} and {@code mongo-lag-gate},
 * values of {@code metric-gate} queries and of a {@code dns-shift}'s guard. Stored as each sample is
 * taken, read back per series (replica, member or query) for the charts and the report.
 */
@Component
public class GateSamples {

    private final GateSampleRepository repository;
    private final ApplicationEventPublisher publisher;

    GateSamples(GateSampleRepository repository, ApplicationEventPublisher publisher) {
        this.repository = repository;
        this.publisher = publisher;
    }

    /**
     * Stores the readings of one sample and announces them ({@link GateSamplesRecorded}). The time
     * is kept to the millisecond, the precision a page asks {@code since} with, so no point comes
     * back twice.
     */
    public void record(String cutoverId, String stepId, Instant at, List<? extends ChartedSample> samples) {
        if (samples.isEmpty()) {
            return;
        }
        Instant stored = at.truncatedTo(ChronoUnit.MILLIS);
        repository.insert(cutoverId, stepId, stored, samples);
        List<GateSeries> series = samples.stream().map(sample -> seriesOf(stepId, stored.toEpochMilli(), sample)).toList();
        publisher.publishEvent(new GateSamplesRecorded(cutoverId, stepId, series));
    }

    private static GateSeries seriesOf(String stepId, long t, ChartedSample sample) {
        if (sample instanceof GateSample lag) {
            return new GateSeries(stepId, lag.series(), GateSeries.LAG, "ms", lag.thresholdMs(),
                    lagPass(lag.thresholdMs()), null, List.of(new GateSeries.Point(t, lag.lagMs(),
                    lag.verdict().name().toLowerCase(java.util.Locale.ROOT))));
        }
        MetricSample metric = (MetricSample) sample;
        return new GateSeries(stepId, metric.series(), GateSeries.METRIC, metric.unit(), null, condition(metric.pass()),
                condition(metric.failWhen()), List.of(new GateSeries.Point(t, metric.value(), metric.verdict().text())));
    }

    /** A lag gate passes while the lag is at most its threshold. */
    static GateSeries.Condition lagPass(long thresholdMs) {
        return new GateSeries.Condition("<=", thresholdMs, "<= " + thresholdMs);
    }

    private static GateSeries.Condition condition(MetricSample.Bound bound) {
        return bound == null ? null : new GateSeries.Condition(bound.operator(), bound.value(), bound.text());
    }

    /**
     * Every series of the cutover (or of one step), oldest point first; only points after
     * {@code since} when it is given, so a page that lost its stream fetches just what it missed.
     */
    public List<GateSeries> series(String cutoverId, String stepId, Instant since) {
        Map<List<String>, List<GateSampleRepository.Stored>> bySeries = new LinkedHashMap<>();
        for (GateSampleRepository.Stored stored : repository.find(cutoverId, stepId, since)) {
            bySeries.computeIfAbsent(List.of(stored.stepId(), stored.series()), key -> new ArrayList<>()).add(stored);
        }
        List<GateSeries> series = new ArrayList<>();
        bySeries.forEach((key, rows) -> {
            GateSampleRepository.Stored newest = rows.get(rows.size() - 1);
            boolean lag = GateSeries.LAG.equals(newest.kind());
            series.add(new GateSeries(key.get(0), key.get(1), newest.kind(), newest.unit(), newest.thresholdMs(),
                    newest.pass(), newest.failWhen(), rows.stream().map(row -> new GateSeries.Point(row.at().toEpochMilli(),
                            value(row, lag), row.verdict())).toList()));
        });
        return series;
    }

    /** A lag in whole milliseconds, a metric's decimal; null stays null (no ternary: it would unbox to double). */
    private static Number value(GateSampleRepository.Stored row, boolean lag) {
        if (lag) {
            return row.lagMs();
        }
        return row.value();
    }

    /** Per lag gate and replica or member: how many samples, the largest lag, when it was first within. */
    public List<GateSampleSummary> summaries(String cutoverId) {
        return repository.summaries(cutoverId);
    }

    /** Per metric gate (or guard) and query: how many samples, how many without data, min and max, when it first passed. */
    public List<MetricSampleSummary> metricSummaries(String cutoverId) {
        return repository.metricSummaries(cutoverId);
    }
}
