package dev.cutover.cutover;

import dev.cutover.cutover.state.GateSampleRepository;
import dev.cutover.step.GateSample;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The lag readings of a cutover's sampled gates ({@code mysql-lag-gate}, {@code mongo-lag-gate}):
 * stored as each sample is taken, read back per replica or member for the charts and the report.
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
    public void record(String cutoverId, String stepId, Instant at, List<GateSample> samples) {
        if (samples.isEmpty()) {
            return;
        }
        Instant stored = at.truncatedTo(ChronoUnit.MILLIS);
        repository.insert(cutoverId, stepId, stored, samples);
        List<GateSeries> series = samples.stream().map(sample -> new GateSeries(stepId, sample.series(),
                sample.thresholdMs(), List.of(new GateSeries.Point(stored.toEpochMilli(), sample.lagMs(),
                        sample.verdict().name().toLowerCase(java.util.Locale.ROOT))))).toList();
        publisher.publishEvent(new GateSamplesRecorded(cutoverId, stepId, series));
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
        bySeries.forEach((key, rows) -> series.add(new GateSeries(key.get(0), key.get(1),
                rows.get(rows.size() - 1).thresholdMs(),
                rows.stream().map(row -> new GateSeries.Point(row.at().toEpochMilli(), row.lagMs(), row.verdict())).toList())));
        return series;
    }

    /** Per gate and replica or member: how many samples, the largest lag, when it was first within. */
    public List<GateSampleSummary> summaries(String cutoverId) {
        return repository.summaries(cutoverId);
    }
}
