package dev.cutover.notify;

import dev.cutover.cutover.Cutover;
import dev.cutover.cutover.RehearsalForecast;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookStep;
import dev.cutover.step.DurationText;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Finds running steps that overrun: past their timeout, or past the p90 of their successful runs
 * in the rehearsals of the runbook and environment. A periodic check on the notifier's timer
 * thread over the steps that are running (kept in memory from their {@code step started} events,
 * so the check reads nothing); each step is reported once per kind of overrun per cutover.
 */
@Component
class OverrunWatch {

    /** A step found overrunning. {@code kind} is {@code timeout} or {@code forecast}. */
    record Overrun(Cutover cutover, Runbook runbook, String phase, RunbookStep step, String kind, String message) {
    }

    private record Running(Cutover cutover, Runbook runbook, String phase, RunbookStep step, Instant startedAt,
                           Double p90Seconds) {
    }

    private final RehearsalForecast forecasts;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private volatile Consumer<Overrun> listener = overrun -> { };

    OverrunWatch(RehearsalForecast forecasts, Deliveries deliveries,
                 @Value("${cutover.notify.overrun-check:2s}") Duration period) {
        this.forecasts = forecasts;
        deliveries.every(period, this::check);
    }

    void onOverrun(Consumer<Overrun> listener) {
        this.listener = listener;
    }

    /**
     * A step started: watch it. Its p90 is the forecast of the rehearsals created before this
     * cutover (never this run itself); read on the notifier's routing thread, as it reads the log.
     */
    void watch(Cutover cutover, Runbook runbook, String phase, RunbookStep step, Instant startedAt) {
        Double p90 = forecasts.forecast(runbook, cutover.environment(), null, cutover.createdAt()).steps().stream()
                .filter(figures -> figures.stepId().equals(step.id()) && figures.samples() > 0)
                .map(RehearsalForecast.StepFigures::p90Seconds).findFirst().orElse(null);
        running.put(key(cutover.id(), step.id()), new Running(cutover, runbook, phase, step, startedAt, p90));
    }

    void forget(String cutoverId, String stepId) {
        running.remove(key(cutoverId, stepId));
    }

    void check() {
        Instant now = Instant.now();
        for (Running step : running.values()) {
            Duration elapsed = Duration.between(step.startedAt(), now);
            String key = key(step.cutover().id(), step.step().id());
            if (elapsed.compareTo(step.step().timeout()) > 0 && reported.add(key + "/timeout")) {
                listener.accept(new Overrun(step.cutover(), step.runbook(), step.phase(), step.step(), "timeout",
                        "step " + step.step().id() + " has run " + DurationText.of(elapsed) + ", past its timeout of "
                                + DurationText.of(step.step().timeout())));
            }
            if (step.p90Seconds() != null && elapsed.toMillis() > step.p90Seconds() * 1000
                    && reported.add(key + "/forecast")) {
                listener.accept(new Overrun(step.cutover(), step.runbook(), step.phase(), step.step(), "forecast",
                        "step " + step.step().id() + " has run " + DurationText.of(elapsed) + ", past the p90 of its "
                                + "rehearsals (" + DurationText.of(Duration.ofMillis(Math.round(step.p90Seconds() * 1000)))
                                + ")"));
            }
        }
    }

    private static String key(String cutoverId, String stepId) {
        return cutoverId + "/" + stepId;
    }
}
