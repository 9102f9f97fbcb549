package dev.cutover.monitoring;

import dev.cutover.DaemonThreads;
import dev.cutover.cutover.ActiveCutovers;
import dev.cutover.cutover.GateSamplesRecorded;
import dev.cutover.cutover.GateSeries;
import dev.cutover.cutover.RehearsalForecast;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The war room's gauges ({@link WarRoomFigures}) on {@code /actuator/prometheus}, refreshed every
 * {@code cutover.monitoring.refresh} (5 s) from the cutovers that are not over. Each family is a
 * {@link MultiGauge} whose rows are replaced at every refresh: a cutover that ends, a step that
 * changes state, a gate that stops sampling disappears from the scrape instead of going on alerting
 * with its last value. Its own thread, not Spring's scheduler, so the figures refresh even where
 * scheduled syncs are switched off.
 */
@Component
class WarRoomMetrics implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(WarRoomMetrics.class);

    private final ActiveCutovers cutovers;
    private final RehearsalForecast forecasts;
    private final Map<String, MultiGauge> gauges = new HashMap<>();
    private final Map<List<String>, WarRoomFigures.LagReading> lags = new ConcurrentHashMap<>();
    private final Duration refresh;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("war-room-metrics"));

    WarRoomMetrics(ActiveCutovers cutovers, RehearsalForecast forecasts, MeterRegistry registry,
                   @Value("${cutover.monitoring.refresh:5s}") Duration refresh) {
        this.cutovers = cutovers;
        this.forecasts = forecasts;
        this.refresh = refresh;
        WarRoomFigures.HELP.forEach((name, help) -> gauges.put(name,
                MultiGauge.builder(name).description(help).register(registry)));
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        timer.scheduleWithFixedDelay(this::refreshQuietly, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The last reading of every series of every lag gate; dropped with the cutover at the next refresh. */
    @EventListener
    void samplesRecorded(GateSamplesRecorded recorded) {
        for (GateSeries series : recorded.series()) {
            // A metric gate's values have their own gauge (cutover_metric_gate_value, validation module).
            if (series.lag() && !series.points().isEmpty()) {
                GateSeries.Point last = series.points().get(series.points().size() - 1);
                Long lagMs = last.value() == null ? null : last.value().longValue();
                lags.put(List.of(recorded.cutoverId(), series.stepId(), series.series()), new WarRoomFigures.LagReading(
                        recorded.cutoverId(), series.stepId(), series.series(), lagMs, series.thresholdMs()));
            }
        }
    }

    void refresh() {
        List<ActiveCutovers.Active> active = cutovers.now();
        java.util.Set<String> ids = new java.util.HashSet<>();
        active.forEach(cutover -> ids.add(cutover.view().id()));
        lags.keySet().removeIf(key -> !ids.contains(key.get(0)));
        Map<String, List<MultiGauge.Row<?>>> rows = new HashMap<>();
        gauges.keySet().forEach(name -> rows.put(name, new ArrayList<>()));
        for (Figure figure : WarRoomFigures.of(active, List.copyOf(lags.values()), forecastP90(active), Instant.now())) {
            rows.get(figure.metric()).add(MultiGauge.Row.of(figure.tags(), figure.value()));
        }
        rows.forEach((name, familyRows) -> gauges.get(name).register(familyRows, true));
    }

    /**
     * The p90 of each rehearsed step, from the rehearsals created before each cutover (as the
     * notifier's overrun watch and the cutover's report compare it: never with itself). The
     * forecast keeps its figures until a step starts or ends somewhere, so this is cheap.
     */
    private Map<String, Map<String, Double>> forecastP90(List<ActiveCutovers.Active> active) {
        Map<String, Map<String, Double>> p90 = new HashMap<>();
        for (ActiveCutovers.Active cutover : active) {
            cutover.runbook().ifPresent(runbook -> {
                Map<String, Double> steps = new HashMap<>();
                forecasts.forecast(runbook, cutover.view().environment(), null, cutover.view().createdAt()).steps()
                        .stream().filter(step -> step.p90Seconds() != null)
                        .forEach(step -> steps.put(step.stepId(), step.p90Seconds()));
                p90.put(cutover.view().id(), steps);
            });
        }
        return p90;
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // The next refresh tries again; a scrape meanwhile sees the previous figures.
            log.warn("Could not refresh the war-room metrics: {}", e.toString());
        }
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
