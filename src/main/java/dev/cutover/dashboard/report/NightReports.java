package dev.cutover.dashboard.report;

import dev.cutover.cutover.eventlog.CutoverEvent;
import dev.cutover.cutover.CutoverView;
import dev.cutover.cutover.CutoverViews;
import dev.cutover.cutover.GateSamples;
import dev.cutover.cutover.eventlog.EventLog;
import dev.cutover.cutover.RehearsalForecast;
import dev.cutover.runbook.Runbook;
import dev.cutover.cutover.CutoverTransitions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Builds the {@link NightReport} of a cutover from its published view (the steps) and its event log,
 * with the forecast of the rehearsals that came before it. Step times come from the event log, not
 * from the step rows: a rollback rewrites a step's end time, the log keeps when the forward run ended.
 */
@Component
class NightReports {

    private static final Set<String> FINAL_STATES = Set.of("COMPLETED", "ROLLED_BACK", "ABORTED");
    private static final Set<String> MACHINES = Set.of("system", "scheduler");
    private static final Set<String> RUN_ENDINGS = Set.of("succeeded", "failed", "stopped", "interrupted");
    private static final int PAGE = 1000;

    private final CutoverViews views;
    private final EventLog events;
    private final CutoverTransitions transitions;
    private final RehearsalForecast forecasts;
    private final String version;
    private final GateSamples gateSamples;

    NightReports(CutoverViews views, EventLog events, CutoverTransitions transitions, RehearsalForecast forecasts,
                 GateSamples gateSamples, @Value("${cutover.version:development}") String version) {
        this.gateSamples = gateSamples;
        this.views = views;
        this.events = events;
        this.transitions = transitions;
        this.forecasts = forecasts;
        this.version = version;
    }

    /** The report of one cutover; a missing one is the API's 404 problem. */
    NightReport report(String cutoverId, String requestedBy) {
        CutoverView cutover = views.view(cutoverId);
        List<CutoverEvent> log = allEvents(cutoverId);
        Optional<Runbook> runbook = transitions.runbook(cutoverId);
        // What the rehearsals before this cutover said: never this run itself, nor a later one.
        Optional<RehearsalForecast.Forecast> forecast = runbook.map(r -> forecasts.forecast(r, cutover.environment(),
                null, cutover.createdAt()));
        return assemble(cutover, log, runbook.isPresent(), forecast, requestedBy, version)
                .withLagGates(lagSummaries(cutover)).withMetricGates(metricSummaries(cutover));
    }

    /** One line per lag gate and replica or member, from the stored samples (one grouped query). */
    private List<NightReport.LagSummary> lagSummaries(CutoverView cutover) {
        Map<String, String> phaseOf = new HashMap<>();
        cutover.phases().forEach(phase -> phase.steps().forEach(step -> phaseOf.put(step.id(), phase.name())));
        return gateSamples.summaries(cutover.id()).stream().map(s -> new NightReport.LagSummary(phaseOf.get(s.stepId()),
                s.stepId(), s.series(), s.samples(), s.unknown(), s.maxLagMs(), s.thresholdMs(), s.first(), s.last(),
                s.firstWithin())).toList();
    }

    /** One line per metric gate (or guard) and query, from the stored samples (one grouped query). */
    private List<NightReport.MetricSummary> metricSummaries(CutoverView cutover) {
        Map<String, String> phaseOf = new HashMap<>();
        cutover.phases().forEach(phase -> phase.steps().forEach(step -> phaseOf.put(step.id(), phase.name())));
        return gateSamples.metricSummaries(cutover.id()).stream().map(s -> new NightReport.MetricSummary(
                phaseOf.get(s.stepId()), s.stepId(), s.series(), s.unit(), s.samples(), s.noData(), s.min(), s.max(),
                s.pass(), s.failWhen(), s.first(), s.last(), s.firstPass())).toList();
    }

    /** The report from the facts alone: the cutover's view, its whole event log, and the earlier rehearsals' forecast. */
    static NightReport assemble(CutoverView cutover, List<CutoverEvent> log, boolean runbookKnown,
                                Optional<RehearsalForecast.Forecast> forecast, String requestedBy, String version) {
        Map<String, Run> runs = forwardRuns(log);
        String basis = forecastBasis(cutover, runbookKnown, forecast);
        List<NightReport.PhaseLine> timeline = timeline(cutover, runs, forecast, basis);
        Instant startedAt = runs.values().stream().map(run -> run.firstStart).filter(Objects::nonNull)
                .min(Comparator.naturalOrder()).orElse(null);
        boolean ended = FINAL_STATES.contains(cutover.state());
        Instant endedAt = ended ? cutover.updatedAt() : null;
        Double duration = startedAt == null ? null : seconds(startedAt, ended ? endedAt : Instant.now());
        NightReport.Header header = new NightReport.Header(cutover.id(), cutover.runbook(), cutover.runbookSha256(),
                cutover.environment(), cutover.rehearsal(), cutover.state(), cutover.createdBy(), cutover.createdAt(),
                startedAt, endedAt, duration, ended, basis, cutover.window(), windowVerdict(cutover.window(), duration, ended),
                pointOfNoReturn(timeline));

        return new NightReport(header, timeline, decisions(log, cutover), evidence(cutover, runs), List.of(), List.of(),
                incidents(log), rollback(log), comparison(cutover, timeline, forecast, basis),
                new NightReport.Footer(Instant.now(), requestedBy, version, log.size()));
    }

    /** "within the window: 4 h 10 min of 6 h", "over the window by 25 min", or why it cannot be said. */
    static String windowVerdict(String window, Double durationSeconds, boolean ended) {
        if (window == null) {
            return "no window declared in the runbook";
        }
        ReportText text = new ReportText();
        double budget = dev.cutover.runbook.Durations.parse(window).toMillis() / 1000.0;
        String written = text.duration(budget);
        if (durationSeconds == null) {
            return "window " + written + "; not started";
        }
        if (durationSeconds > budget) {
            return (ended ? "over the window by " : "already over the window by ") + text.duration(durationSeconds - budget)
                    + " (" + text.duration(durationSeconds) + " of " + written + ")";
        }
        return (ended ? "within the window: " : "so far within the window: ") + text.duration(durationSeconds) + " of "
                + written;
    }

    /** Which phase is the point of no return, and whether (when) the cutover passed it. */
    static String pointOfNoReturn(List<NightReport.PhaseLine> timeline) {
        return timeline.stream().filter(NightReport.PhaseLine::pointOfNoReturn).findFirst().map(phase ->
                "after phase " + phase.name() + ": " + ("COMPLETED".equals(phase.state()) && phase.endedAt() != null
                        ? "passed at " + new ReportText().time(phase.endedAt()) : "not passed"))
                .orElse("none declared in the runbook");
    }

    private List<CutoverEvent> allEvents(String cutoverId) {
        List<CutoverEvent> all = new ArrayList<>();
        long after = 0;
        while (true) {
            List<CutoverEvent> page = events.page(cutoverId, after, PAGE);
            all.addAll(page);
            if (page.size() < PAGE) {
                return all;
            }
            after = page.get(page.size() - 1).id();
        }
    }

    /** One step's forward runs as the event log tells them; the last run is the one that counts. */
    private static final class Run {
        Instant firstStart;
        Instant start;
        Instant end;
        String outcome;
        String summary;
        Map<String, Object> evidence = Map.of();
        int runs;
        int attempts;
        String phase;
    }

    private static Map<String, Run> forwardRuns(List<CutoverEvent> log) {
        Map<String, Run> runs = new LinkedHashMap<>();
        for (CutoverEvent event : log) {
            if ("phase".equals(event.action()) && "interrupted".equals(event.outcome())) {
                // A crash cut off whatever ran in that phase; the recovery wrote one event for the phase.
                runs.values().stream().filter(run -> run.end == null && run.start != null
                        && Objects.equals(run.phase, event.phase())).forEach(run -> {
                            run.end = event.occurredAt();
                            run.outcome = "interrupted";
                            run.summary = event.message();
                        });
                continue;
            }
            if (!"step".equals(event.action()) || event.stepId() == null) {
                continue;
            }
            Run run = runs.computeIfAbsent(event.stepId(), id -> new Run());
            run.phase = event.phase();
            switch (event.outcome()) {
                case "started" -> {
                    run.start = event.occurredAt();
                    run.firstStart = run.firstStart == null ? run.start : run.firstStart;
                    run.end = null;
                    run.outcome = "running";
                    run.summary = null;
                    run.evidence = Map.of();
                    run.runs++;
                    run.attempts++;
                }
                case "retrying" -> run.attempts++;
                default -> {
                    if (RUN_ENDINGS.contains(event.outcome())) {
                        run.end = event.occurredAt();
                        run.outcome = event.outcome();
                        run.summary = event.message();
                        run.evidence = event.evidence();
                    }
                }
            }
        }
        return runs;
    }

    private static String forecastBasis(CutoverView cutover, boolean runbookKnown,
                                        Optional<RehearsalForecast.Forecast> forecast) {
        if (!runbookKnown) {
            return "no forecast: the runbook " + cutover.runbook() + " this cutover was created with cannot be read";
        }
        int rehearsals = forecast.map(RehearsalForecast.Forecast::rehearsals).orElse(0);
        if (rehearsals == 0) {
            return "no forecast: no rehearsal of " + cutover.runbook() + " in " + cutover.environment()
                    + " before this " + (cutover.rehearsal() ? "rehearsal" : "cutover");
        }
        return "p50 and p90 from " + (rehearsals == 1 ? "1 earlier rehearsal" : rehearsals + " earlier rehearsals")
                + " of " + cutover.runbook() + " in " + cutover.environment() + " (created before this "
                + (cutover.rehearsal() ? "rehearsal" : "cutover") + ")";
    }

    private static List<NightReport.PhaseLine> timeline(CutoverView cutover, Map<String, Run> runs,
                                                       Optional<RehearsalForecast.Forecast> forecast, String basis) {
        Map<String, RehearsalForecast.StepFigures> stepFigures = new HashMap<>();
        Map<String, RehearsalForecast.PhaseFigures> phaseFigures = new HashMap<>();
        forecast.ifPresent(f -> {
            f.steps().forEach(s -> stepFigures.put(s.stepId(), s));
            f.phases().forEach(p -> phaseFigures.put(p.phase(), p));
        });
        String none = forecast.map(RehearsalForecast.Forecast::rehearsals).orElse(0) == 0 ? "no rehearsal before"
                : "not rehearsed";
        List<NightReport.PhaseLine> phases = new ArrayList<>();
        for (CutoverView.PhaseView phase : cutover.phases()) {
            List<NightReport.StepLine> steps = new ArrayList<>();
            for (CutoverView.StepView step : phase.steps()) {
                Run run = runs.get(step.id());
                Double duration = run == null || run.start == null || run.end == null ? null : seconds(run.start, run.end);
                RehearsalForecast.StepFigures figures = stepFigures.get(step.id());
                NightReport.Forecast against = figures == null || figures.samples() == 0 ? NightReport.Forecast.none(none)
                        : compare(figures.samples(), figures.medianSeconds(), figures.p90Seconds(), duration);
                steps.add(new NightReport.StepLine(phase.name(), step.id(), step.type(), step.owner(), step.state(),
                        run == null ? null : run.outcome, run == null ? null : run.start, run == null ? null : run.end,
                        duration, run == null ? 0 : run.attempts, run == null ? 0 : run.runs, against,
                        run == null ? null : run.summary, step.parallelGroup()));
            }
            Instant start = steps.stream().map(NightReport.StepLine::startedAt).filter(Objects::nonNull)
                    .min(Comparator.naturalOrder()).orElse(null);
            boolean allEnded = steps.stream().allMatch(s -> s.endedAt() != null);
            Instant end = allEnded ? steps.stream().map(NightReport.StepLine::endedAt).max(Comparator.naturalOrder())
                    .orElse(null) : null;
            Double duration = start == null || end == null ? null : seconds(start, end);
            RehearsalForecast.PhaseFigures figures = phaseFigures.get(phase.name());
            NightReport.Forecast against = figures == null || figures.medianSeconds() == null
                    ? NightReport.Forecast.none(none) : compare(null, figures.medianSeconds(), figures.p90Seconds(), duration);
            phases.add(new NightReport.PhaseLine(phase.name(), phase.state(), phase.pointOfNoReturn(), start, end,
                    duration, against, steps));
        }
        return phases;
    }

    /**
     * How a run compares with the forecast. Within half a second or 5 % of the p50 it is "as forecast":
     * a 20 ms command 11 ms over its p90 is noise, not an overrun worth a red mark in an audit.
     */
    static NightReport.Forecast compare(Integer samples, Double p50, Double p90, Double actual) {
        if (actual == null) {
            return new NightReport.Forecast(samples, p50, p90, null, "did not run to its end");
        }
        double difference = round(actual - p50);
        double tolerance = Math.max(0.5, 0.05 * p50);
        String verdict = Math.abs(difference) <= tolerance ? "as forecast"
                : actual < p50 ? "under p50"
                : p90 != null && actual > p90 ? "over p90" : "between p50 and p90";
        return new NightReport.Forecast(samples, p50, p90, difference, verdict);
    }

    /** People's actions, with what an approval was asked for and how long it waited; and gates that opened. */
    private static List<NightReport.Decision> decisions(List<CutoverEvent> log, CutoverView cutover) {
        Map<String, String> types = new HashMap<>();
        cutover.phases().forEach(p -> p.steps().forEach(s -> types.put(s.id(), s.type())));
        Map<String, CutoverEvent> requested = new HashMap<>();
        List<NightReport.Decision> decisions = new ArrayList<>();
        for (CutoverEvent event : log) {
            if ("approval".equals(event.action()) && "requested".equals(event.outcome())) {
                requested.put(event.stepId(), event);
            }
            if (!MACHINES.contains(event.actor())) {
                CutoverEvent asked = "approve".equals(event.action()) ? requested.get(event.stepId()) : null;
                decisions.add(new NightReport.Decision(event.occurredAt(), event.actor(), event.origin(), event.action(),
                        event.phase(), event.stepId(), event.outcome(), event.message(),
                        asked == null ? Map.of() : asked.evidence(),
                        asked == null ? null : seconds(asked.occurredAt(), event.occurredAt()), event.evidence()));
            } else if ("step".equals(event.action()) && "succeeded".equals(event.outcome())
                    && automaticGate(types.get(event.stepId()))) {
                decisions.add(new NightReport.Decision(event.occurredAt(), event.actor(), event.origin(), "gate opened",
                        event.phase(), event.stepId(), event.outcome(), event.message(), Map.of(), null,
                        event.evidence()));
            }
        }
        return decisions;
    }

    /** Gates that open on their own figures (lag, readiness); a manual gate opens by an approval, listed as such. */
    private static boolean automaticGate(String type) {
        return type != null && (type.endsWith("-gate") || type.equals("cutover-readiness"));
    }

    static boolean gate(String type) {
        return type != null && (type.equals("manual") || automaticGate(type));
    }

    private static List<NightReport.StepEvidence> evidence(CutoverView cutover, Map<String, Run> runs) {
        List<NightReport.StepEvidence> all = new ArrayList<>();
        for (CutoverView.PhaseView phase : cutover.phases()) {
            for (CutoverView.StepView step : phase.steps()) {
                Run run = runs.get(step.id());
                if (run != null && run.end != null) {
                    all.add(new NightReport.StepEvidence(phase.name(), step.id(), step.type(), gate(step.type()),
                            run.outcome, run.end, run.summary, run.evidence));
                }
            }
        }
        return all;
    }

    private static List<NightReport.Incident> incidents(List<CutoverEvent> log) {
        return log.stream().filter(e -> "failed".equals(e.outcome()) || "retrying".equals(e.outcome()))
                .map(e -> new NightReport.Incident(e.occurredAt(), e.phase(), e.stepId(), e.action(), e.outcome(),
                        e.message(), e.evidence()))
                .toList();
    }

    private static NightReport.Rollback rollback(List<CutoverEvent> log) {
        CutoverEvent ordered = null;
        CutoverEvent began = null;
        CutoverEvent ended = null;
        Map<String, InverseRun> inverses = new LinkedHashMap<>();
        for (CutoverEvent event : log) {
            if (!"rollback".equals(event.action())) {
                continue;
            }
            if (event.stepId() == null) {
                switch (event.outcome()) {
                    case "accepted" -> ordered = ordered == null ? event : ordered;
                    case "started" -> began = began == null ? event : began;
                    case "completed", "failed" -> ended = event;
                    default -> { }
                }
                continue;
            }
            InverseRun inverse = inverses.computeIfAbsent(event.stepId(), id -> new InverseRun());
            inverse.phase = event.phase();
            switch (event.outcome()) {
                case "started" -> {
                    inverse.start = event.occurredAt();
                    inverse.end = null;
                    inverse.outcome = "running";
                    inverse.what = event.message();
                }
                case "retrying" -> inverse.retries++;
                default -> {
                    inverse.start = inverse.start == null ? event.occurredAt() : inverse.start;
                    inverse.end = event.occurredAt();
                    inverse.outcome = event.outcome();
                    inverse.message = event.message();
                    if (inverse.what == null) {
                        inverse.what = "nothing to roll back";
                    }
                }
            }
        }
        if (ordered == null && began == null) {
            return null;
        }
        List<String> order = new ArrayList<>();
        if (began != null && began.evidence().get("steps") instanceof List<?> list) {
            list.forEach(step -> order.add(String.valueOf(step)));
        }
        inverses.keySet().stream().filter(id -> !order.contains(id)).forEach(order::add);
        List<NightReport.Inverse> rows = new ArrayList<>();
        for (String stepId : order) {
            InverseRun run = inverses.get(stepId);
            rows.add(run == null
                    ? new NightReport.Inverse(rows.size() + 1, null, stepId, null, null, null, null, "not run", 0, null)
                    : new NightReport.Inverse(rows.size() + 1, run.phase, stepId, run.what, run.start, run.end,
                    run.start == null || run.end == null ? null : seconds(run.start, run.end), run.outcome, run.retries,
                    run.message));
        }
        Instant start = began == null ? null : began.occurredAt();
        Instant end = ended == null ? null : ended.occurredAt();
        return new NightReport.Rollback(ordered == null ? null : ordered.occurredAt(),
                ordered == null ? null : ordered.actor(), ordered == null ? null : ordered.origin(),
                ordered == null ? null : ordered.message(), start, end,
                start == null || end == null ? null : seconds(start, end),
                ended == null ? "running" : ended.outcome(), rows);
    }

    private static final class InverseRun {
        String phase;
        String what;
        Instant start;
        Instant end;
        String outcome;
        String message;
        int retries;
    }

    private static NightReport.Comparison comparison(CutoverView cutover, List<NightReport.PhaseLine> timeline,
                                                     Optional<RehearsalForecast.Forecast> forecast, String basis) {
        if (!cutover.rehearsal()) {
            return null;
        }
        List<NightReport.PreviousRun> previous = forecast.map(f -> f.rehearsalRuns().stream()
                .map(r -> new NightReport.PreviousRun(r.cutoverId(), r.createdAt(), r.state(), r.stepsTimed(),
                        r.complete(), r.totalSeconds())).toList()).orElse(List.of());
        Map<String, RehearsalForecast.StepFigures> figures = new HashMap<>();
        forecast.ifPresent(f -> f.steps().forEach(s -> figures.put(s.stepId(), s)));
        List<NightReport.StepComparison> steps = new ArrayList<>();
        double total = 0;
        boolean allSucceeded = true;
        for (NightReport.PhaseLine phase : timeline) {
            // A parallel group counts once, as its longest step: the way the forecast counts it.
            Map<String, Double> longestInGroup = new HashMap<>();
            for (NightReport.StepLine step : phase.steps()) {
                // The forecast times a step's successful run; a failed or unfinished run is not comparable.
                Double mine = "succeeded".equals(step.outcome()) ? step.durationSeconds() : null;
                allSucceeded &= mine != null;
                if (step.parallelGroup() == null) {
                    total += mine == null ? 0 : mine;
                } else if (mine != null) {
                    longestInGroup.merge(step.parallelGroup(), mine, Math::max);
                }
                RehearsalForecast.StepFigures f = figures.get(step.id());
                steps.add(new NightReport.StepComparison(phase.name(), step.id(), mine,
                        f == null || f.samples() == 0 ? NightReport.Forecast.none("no earlier run of this step")
                                : compare(f.samples(), f.medianSeconds(), f.p90Seconds(), mine),
                        f == null ? null : f.minSeconds(), f == null ? null : f.maxSeconds()));
            }
            total += longestInGroup.values().stream().mapToDouble(Double::doubleValue).sum();
        }
        Double thisTotal = allSucceeded ? round(total) : null;
        NightReport.Forecast totalAgainst = forecast.map(RehearsalForecast.Forecast::total)
                .filter(t -> t.medianSeconds() != null)
                .map(t -> compare(t.rehearsals(), t.medianSeconds(), t.p90Seconds(), thisTotal))
                .orElse(NightReport.Forecast.none("no earlier rehearsal ran every step"));
        String why = allSucceeded ? "total: the sum of the step times, a parallel group as its longest step (the "
                + "time between phases is not counted)"
                : "no total for this run: not every step succeeded in it";
        return new NightReport.Comparison(previous.size(), previous, steps, thisTotal, totalAgainst,
                basis + "; " + why);
    }

    private static Double seconds(Instant from, Instant to) {
        return round(Duration.between(from, to).toMillis() / 1000.0);
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
