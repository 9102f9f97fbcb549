package dev.cutover.monitoring;

import dev.cutover.cutover.ActiveCutovers;
import dev.cutover.cutover.CutoverView;
import dev.cutover.runbook.RunbookStep;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the cutovers that are not over into figures, from the same step output the dashboard shows
 * (a sync's {@code figures}, a gate's last sample), so the screen and the alerts never disagree.
 * Pure: the caller gives the cutovers, the last lag readings and the time.
 */
final class WarRoomFigures {

    static final String STEP_STATE = "cutover_step_state";
    static final String STEP_RUNNING = "cutover_step_running_seconds";
    static final String STEP_TIMEOUT = "cutover_step_timeout_seconds";
    static final String STEP_FORECAST_P90 = "cutover_step_forecast_p90_seconds";
    static final String SYNC_COPIED_OBJECTS = "cutover_sync_copied_objects";
    static final String SYNC_PLANNED_OBJECTS = "cutover_sync_planned_objects";
    static final String SYNC_COPIED_BYTES = "cutover_sync_copied_bytes";
    static final String SYNC_PLANNED_BYTES = "cutover_sync_planned_bytes";
    static final String SYNC_THROUGHPUT = "cutover_sync_throughput_bytes_per_second";
    static final String SYNC_ETA = "cutover_sync_eta_seconds";
    static final String GATE_STATE = "cutover_gate_state";
    static final String GATE_QUERY_VALUE = "cutover_gate_query_value";
    static final String GATE_LAG = "cutover_gate_lag_seconds";
    static final String GATE_LAG_THRESHOLD = "cutover_gate_lag_threshold_seconds";
    static final String APPROVALS_WAITING = "cutover_approvals_waiting";
    static final String APPROVAL_OLDEST = "cutover_approval_oldest_waiting_seconds";
    static final String ROLLBACK_IN_PROGRESS = "cutover_rollback_in_progress";

    /** Every gauge family this class can produce, with its help text. */
    static final Map<String, String> HELP = Map.ofEntries(
            Map.entry(STEP_STATE, "1 for the state each step of a cutover is in (label state); one series per step"),
            Map.entry(STEP_RUNNING, "Seconds a step under way (running, awaiting approval, rolling back) has taken so far"),
            Map.entry(STEP_TIMEOUT, "The timeout the runbook gives the step, in seconds"),
            Map.entry(STEP_FORECAST_P90, "The p90 of the step's duration in the rehearsals created before this cutover"),
            Map.entry(SYNC_COPIED_OBJECTS, "Objects a storage sync step has copied so far"),
            Map.entry(SYNC_PLANNED_OBJECTS, "Objects a storage sync step plans to copy (grows while listings merge)"),
            Map.entry(SYNC_COPIED_BYTES, "Bytes a storage sync step has copied so far"),
            Map.entry(SYNC_PLANNED_BYTES, "Bytes a storage sync step plans to copy"),
            Map.entry(SYNC_THROUGHPUT, "Bytes per second a storage sync step has copied so far"),
            Map.entry(SYNC_ETA, "Seconds left of a running sync at its rate so far; absent when none can be given"),
            Map.entry(GATE_STATE, "1 for a sampled gate's state after its last sample: passing, holding or failing"),
            Map.entry(GATE_QUERY_VALUE, "The value a metric gate last read for a query; absent when it had no data"),
            Map.entry(GATE_LAG, "The lag a lag gate last read for a replica or member; NaN when unknown"),
            Map.entry(GATE_LAG_THRESHOLD, "A lag gate's threshold (maxLag) in seconds"),
            Map.entry(APPROVALS_WAITING, "Steps of a cutover waiting for an approver"),
            Map.entry(APPROVAL_OLDEST, "Seconds the step waiting longest for an approver has waited"),
            Map.entry(ROLLBACK_IN_PROGRESS, "1 while the cutover rolls back, else 0"));

    private static final Set<String> UNDER_WAY = Set.of("RUNNING", "AWAITING_APPROVAL", "ROLLING_BACK");

    /**
     * The last reading of one series of a lag gate, as the gate stored it.
     *
     * @param lagMs null when unknown
     */
    record LagReading(String cutoverId, String stepId, String series, Long lagMs, long thresholdMs) {
    }

    private WarRoomFigures() {
    }

    static List<Figure> of(List<ActiveCutovers.Active> cutovers, List<LagReading> lags, Instant now) {
        return of(cutovers, lags, Map.of(), now);
    }

    /**
     * @param forecastP90 per cutover id, the p90 seconds of each rehearsed step (by step id)
     */
    static List<Figure> of(List<ActiveCutovers.Active> cutovers, List<LagReading> lags,
                           Map<String, Map<String, Double>> forecastP90, Instant now) {
        List<Figure> figures = new ArrayList<>();
        for (ActiveCutovers.Active active : cutovers) {
            CutoverView cutover = active.view();
            Tags base = Tags.of("cutover", cutover.id(), "runbook", cutover.runbook());
            int waiting = 0;
            double oldest = 0;
            for (CutoverView.PhaseView phase : cutover.phases()) {
                for (CutoverView.StepView step : phase.steps()) {
                    Tags tags = base.and("phase", phase.name(), "step", step.id(), "type", step.type());
                    figures.add(new Figure(STEP_STATE, tags.and("state", step.state()), 1));
                    double running = running(step, now);
                    if (UNDER_WAY.contains(step.state()) && step.startedAt() != null) {
                        figures.add(new Figure(STEP_RUNNING, tags, running));
                    }
                    active.runbook().flatMap(runbook -> runbook.step(step.id())).map(RunbookStep::timeout)
                            .ifPresent(timeout -> figures.add(new Figure(STEP_TIMEOUT, tags, seconds(timeout))));
                    Double p90 = forecastP90.getOrDefault(cutover.id(), Map.of()).get(step.id());
                    if (p90 != null) {
                        figures.add(new Figure(STEP_FORECAST_P90, tags, p90));
                    }
                    if ("AWAITING_APPROVAL".equals(step.state())) {
                        waiting++;
                        oldest = Math.max(oldest, running);
                    }
                    Map<?, ?> stepFigures = step.output().get("figures") instanceof Map<?, ?> map ? map : Map.of();
                    Tags stepTags = base.and("step", step.id());
                    if (stepFigures.containsKey("plannedObjects") && !"verify".equals(stepFigures.get("kind"))) {
                        sync(figures, stepTags, step, stepFigures);
                    }
                    if (stepFigures.get("verdict") instanceof String verdict) {
                        gate(figures, stepTags.and("type", step.type()), verdict, stepFigures);
                    }
                }
            }
            figures.add(new Figure(APPROVALS_WAITING, base, waiting));
            figures.add(new Figure(APPROVAL_OLDEST, base, oldest));
            figures.add(new Figure(ROLLBACK_IN_PROGRESS, base, "ROLLING_BACK".equals(cutover.state()) ? 1 : 0));
        }
        Set<String> active = new java.util.HashSet<>();
        Map<String, String> runbooks = new java.util.HashMap<>();
        cutovers.forEach(cutover -> {
            active.add(cutover.view().id());
            runbooks.put(cutover.view().id(), cutover.view().runbook());
        });
        for (LagReading lag : lags) {
            if (active.contains(lag.cutoverId())) {
                Tags tags = Tags.of("cutover", lag.cutoverId(), "runbook", runbooks.get(lag.cutoverId()),
                        "step", lag.stepId(), "series", lag.series());
                figures.add(new Figure(GATE_LAG, tags, lag.lagMs() == null ? Double.NaN : lag.lagMs() / 1000.0));
                figures.add(new Figure(GATE_LAG_THRESHOLD, tags, lag.thresholdMs() / 1000.0));
            }
        }
        return figures;
    }

    private static void sync(List<Figure> figures, Tags tags, CutoverView.StepView step, Map<?, ?> sync) {
        long copiedBytes = number(sync, "copiedBytes");
        long plannedBytes = number(sync, "plannedBytes");
        long rate = number(sync, "throughputBytesPerSecond");
        figures.add(new Figure(SYNC_COPIED_OBJECTS, tags, number(sync, "copiedObjects")));
        figures.add(new Figure(SYNC_PLANNED_OBJECTS, tags, number(sync, "plannedObjects")));
        figures.add(new Figure(SYNC_COPIED_BYTES, tags, copiedBytes));
        figures.add(new Figure(SYNC_PLANNED_BYTES, tags, plannedBytes));
        figures.add(new Figure(SYNC_THROUGHPUT, tags, rate));
        // Like the dashboard's row: an ETA only while the sync runs, is not held back, and has a rate; never a made-up one.
        boolean held = sync.get("heldBy") instanceof List<?> heldBy && !heldBy.isEmpty();
        if ("RUNNING".equals(step.state()) && !held && rate > 0 && plannedBytes > 0) {
            figures.add(new Figure(SYNC_ETA, tags, Math.max(0, plannedBytes - copiedBytes) / (double) rate));
        }
    }

    /**
     * Lag gates say within/outside/broken, metric gates within/outside/hold/fail: passing, holding
     * (the gate stays closed and keeps sampling) or failing (the gate fails at once).
     */
    private static void gate(List<Figure> figures, Tags tags, String verdict, Map<?, ?> gate) {
        String state = switch (verdict) {
            case "within" -> "passing";
            case "broken", "fail" -> "failing";
            default -> "holding";
        };
        figures.add(new Figure(GATE_STATE, tags.and("state", state), 1));
        if (gate.get("values") instanceof Map<?, ?> values) {
            values.forEach((query, value) -> {
                if (value instanceof Number number) {
                    figures.add(new Figure(GATE_QUERY_VALUE, tags.and("query", String.valueOf(query)),
                            number.doubleValue()));
                }
            });
        }
    }

    private static double running(CutoverView.StepView step, Instant now) {
        if (step.startedAt() == null) {
            return 0;
        }
        Instant end = step.endedAt() != null && !UNDER_WAY.contains(step.state()) ? step.endedAt() : now;
        return Math.max(0, Duration.between(step.startedAt(), end).toMillis() / 1000.0);
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private static long number(Map<?, ?> figures, String key) {
        return figures.get(key) instanceof Number number ? number.longValue() : 0;
    }
}
