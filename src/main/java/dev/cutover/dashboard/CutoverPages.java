package dev.cutover.dashboard;

import dev.cutover.cutover.CutoverTransitions;
import dev.cutover.cutover.CutoverView;
import dev.cutover.cutover.CutoverViews;
import dev.cutover.cutover.RehearsalForecast;
import dev.cutover.runbook.Durations;
import dev.cutover.storage.PartitionedRuns;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.stereotype.Component;

/** Builds the {@link CutoverPage} of a cutover from the cutover module's published views. */
@Component
class CutoverPages {

    private static final Set<String> FINAL_STATES = Set.of("COMPLETED", "ROLLED_BACK", "ABORTED");
    /** The step type whose run may be partitioned across workers. */
    private static final String SYNC_STEP = "storage-sync";

    private final CutoverViews views;
    private final CutoverTransitions transitions;
    private final RehearsalForecast forecasts;
    private final PartitionedRuns partitions;

    CutoverPages(CutoverViews views, CutoverTransitions transitions,
                 RehearsalForecast forecasts, PartitionedRuns partitions) {
        this.partitions = partitions;
        this.views = views;
        this.transitions = transitions;
        this.forecasts = forecasts;
    }

    CutoverPage page(String id, Roles roles) {
        CutoverView cutover = views.view(id);
        List<CutoverPage.PhaseRow> phases = cutover.phases().stream().map(phase -> phaseRow(id, phase)).toList();
        CutoverPage.Waiting waiting = waiting(cutover);
        String nextPhase = nextPhase(cutover);
        Set<String> allowed = Set.copyOf(cutover.allowedActions());
        CutoverPage.Controls controls = new CutoverPage.Controls(
                roles.operator() && allowed.contains("start-phase") && nextPhase != null,
                roles.operator() && allowed.contains("pause"),
                roles.operator() && allowed.contains("resume"),
                roles.operator() && allowed.contains("restart-phase") && cutover.currentPhase() != null,
                roles.approver() && allowed.contains("approve") && waiting != null,
                roles.approver() && allowed.contains("abort"),
                roles.approver() && allowed.contains("rollback"));
        Instant now = Instant.now();
        Instant startedAt = startedAt(cutover);
        Instant endedAt = endedAt(cutover);
        RehearsalForecast.Forecast forecast = forecasting(cutover) ? forecast(cutover) : null;
        CutoverPage.Projection projection = projection(cutover, forecast, now);
        boolean projected = projection != null && projection.available();
        WindowBudget budget = WindowBudget.of(window(cutover), startedAt, endedAt == null ? now : endedAt,
                projected ? projection.p50End() : null, projected ? projection.p90End() : null);
        Timeline timeline = Timeline.of(cutover, figures(forecast), forecasting(cutover), startedAt,
                endedAt == null ? now : endedAt, budget);
        return new CutoverPage(cutover, StateTone.of(cutover.state()), startedAt, endedAt, currentStep(cutover), waiting,
                projection, budget, timeline, transitions.rollbackPreview(id), nextPhase, phases, controls);
    }

    static Instant startedAt(CutoverView cutover) {
        return steps(cutover).map(CutoverView.StepView::startedAt).filter(Objects::nonNull).min(Instant::compareTo)
                .orElse(null);
    }

    static Instant endedAt(CutoverView cutover) {
        return FINAL_STATES.contains(cutover.state()) ? cutover.updatedAt() : null;
    }

    private static java.util.stream.Stream<CutoverView.StepView> steps(CutoverView cutover) {
        return cutover.phases().stream().flatMap(phase -> phase.steps().stream());
    }

    private static String currentStep(CutoverView cutover) {
        for (CutoverView.PhaseView phase : cutover.phases()) {
            for (CutoverView.StepView step : phase.steps()) {
                if (Set.of("RUNNING", "AWAITING_APPROVAL", "ROLLING_BACK").contains(step.state())) {
                    return phase.name() + " / " + step.id();
                }
            }
        }
        return null;
    }

    private static CutoverPage.Waiting waiting(CutoverView cutover) {
        for (CutoverView.PhaseView phase : cutover.phases()) {
            for (CutoverView.StepView step : phase.steps()) {
                if ("AWAITING_APPROVAL".equals(step.state())) {
                    Map<?, ?> awaiting = map(step.output().get("awaiting"));
                    String instructions = awaiting.get("instructions") instanceof String text && !text.isBlank()
                            ? text : null;
                    return new CutoverPage.Waiting(phase.name(), step.id(), step.owner(), step.startedAt(),
                            instructions, strings(awaiting.get("checklist")));
                }
            }
        }
        return null;
    }

    /** The first phase not completed yet, if the state machine would let it start. */
    private static String nextPhase(CutoverView cutover) {
        if (!cutover.allowedActions().contains("start-phase")) {
            return null;
        }
        return cutover.phases().stream().filter(phase -> !"COMPLETED".equals(phase.state()))
                .map(CutoverView.PhaseView::name).findFirst().orElse(null);
    }

    private CutoverPage.PhaseRow phaseRow(String cutoverId, CutoverView.PhaseView phase) {
        List<CutoverPage.StepRow> steps = phase.steps().stream().map(step -> {
            StepFigureLines figures = StepFigureLines.of(step, heldBy(step));
            return new CutoverPage.StepRow(step.id(), step.type(), step.state(), StateTone.of(step.state()), step.owner(),
                    step.escalation(), step.attempts(), step.startedAt(), step.endedAt(), line(step), figures.heldBy(),
                    figures.facts(), figures.eta(), figures.etaHeld(), step.parallelGroup(), partitions(cutoverId, step));
        }).toList();
        return new CutoverPage.PhaseRow(phase.name(), phase.state(), StateTone.of(phase.state()),
                phase.pointOfNoReturn(), steps);
    }

    /** The partitions of a storage sync step's run, when it started one that is partitioned. */
    private PartitionTable partitions(String cutoverId, CutoverView.StepView step) {
        if (!SYNC_STEP.equals(step.type()) || step.startedAt() == null) {
            return null;
        }
        return partitions.ofStep(cutoverId, step.id()).map(PartitionTable::of).orElse(null);
    }

    /** Progress while the step runs, its summary once it ended, its instructions while it waits. */
    private static String line(CutoverView.StepView step) {
        Map<String, Object> output = step.output();
        if (output.get("awaiting") != null) {
            Object instructions = map(output.get("awaiting")).get("instructions");
            return instructions instanceof String text && !text.isBlank() ? "waiting for an approver: " + text
                    : "waiting for an approver";
        }
        if (output.get("progress") instanceof String progress) {
            return progress;
        }
        String summary = output.get("summary") instanceof String text ? text : null;
        if (output.get("forward") instanceof Map<?, ?> forward && forward.get("summary") instanceof String before) {
            // Undone: what the step did (or why it failed) stays first, the undo's outcome after it.
            return ("FAILED".equals(forward.get("state")) ? "failed: " : "") + before
                    + (summary == null ? "" : " — undone: " + summary);
        }
        return summary;
    }

    private static List<String> heldBy(CutoverView.StepView step) {
        List<String> held = strings(map(step.output().get("figures")).get("heldBy"));
        return held.isEmpty() ? strings(map(step.output().get("evidence")).get("heldBy")) : held;
    }

    /**
     * The forecast of this cutover's runbook and environment from the rehearsals created before it
     * (not from its own steps), read with the runbook the cutover pinned; null when that cannot be had.
     */
    private RehearsalForecast.Forecast forecast(CutoverView cutover) {
        return transitions.runbook(cutover.id())
                .map(runbook -> forecasts.forecast(runbook, cutover.environment(), null, cutover.createdAt()))
                .orElse(null);
    }

    static boolean forecasting(CutoverView cutover) {
        return !FINAL_STATES.contains(cutover.state()) && !cutover.state().startsWith("ROLL");
    }

    static Map<String, RehearsalForecast.StepFigures> figures(RehearsalForecast.Forecast forecast) {
        Map<String, RehearsalForecast.StepFigures> figures = new HashMap<>();
        if (forecast != null) {
            forecast.steps().forEach(step -> figures.put(step.stepId(), step));
        }
        return figures;
    }

    /**
     * Now plus the p50 and p90 left of every step not done yet ({@link StepRemaining}); null once the
     * cutover ended or is rolling back, and without figures when a step was never rehearsed.
     */
    static CutoverPage.Projection projection(CutoverView cutover, RehearsalForecast.Forecast forecast, Instant now) {
        if (!forecasting(cutover)) {
            return null;
        }
        if (forecast == null) {
            return new CutoverPage.Projection(null, null, null, null, 0, "the runbook " + cutover.runbook()
                    + " this cutover was created with cannot be read, so neither can its rehearsals");
        }
        Map<String, RehearsalForecast.StepFigures> figures = figures(forecast);
        double p50 = 0;
        double p90 = 0;
        // A parallel group takes as long as its longest step: its steps' figures count once, as their maximum.
        String group = null;
        double groupP50 = 0;
        double groupP90 = 0;
        List<String> unrehearsed = new ArrayList<>();
        for (CutoverView.StepView step : steps(cutover).toList()) {
            if (group != null && !group.equals(step.parallelGroup())) {
                p50 += groupP50;
                p90 += groupP90;
                group = null;
            }
            StepRemaining left = StepRemaining.of(step, figures.get(step.id()), now);
            if (left == null) {
                unrehearsed.add(step.id());
                continue;
            }
            if (step.parallelGroup() == null) {
                p50 += left.p50Seconds();
                p90 += left.p90Seconds();
            } else {
                if (group == null) {
                    group = step.parallelGroup();
                    groupP50 = 0;
                    groupP90 = 0;
                }
                groupP50 = Math.max(groupP50, left.p50Seconds());
                groupP90 = Math.max(groupP90, left.p90Seconds());
            }
        }
        if (group != null) {
            p50 += groupP50;
            p90 += groupP90;
        }
        int rehearsals = forecast.rehearsals();
        if (!unrehearsed.isEmpty()) {
            return new CutoverPage.Projection(null, null, null, null, rehearsals, rehearsals == 0
                    ? "no rehearsal of " + cutover.runbook() + " in " + cutover.environment() + " yet"
                    : "not rehearsed yet: " + String.join(", ", unrehearsed));
        }
        return new CutoverPage.Projection(now.plusMillis((long) (p50 * 1000)), now.plusMillis((long) (p90 * 1000)),
                p50, p90, rehearsals, "from " + rehearsals + " rehearsal(s); time between phases not included");
    }

    static Duration window(CutoverView cutover) {
        return cutover.window() == null ? null : Durations.parse(cutover.window());
    }

    private static Map<?, ?> map(Object value) {
        return value instanceof Map<?, ?> map ? map : Map.of();
    }

    private static List<String> strings(Object value) {
        if (!(value instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().map(String::valueOf).toList();
    }
}
