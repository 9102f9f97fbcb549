package dev.cutover.dashboard;

import dev.cutover.cutover.CutoverTransitions;
import dev.cutover.cutover.CutoverView;
import dev.cutover.cutover.CutoverViews;
import dev.cutover.cutover.RehearsalForecast;
import dev.cutover.runbook.RunbookCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/** Builds the {@link CutoverPage} of a cutover from the cutover module's published views. */
@Component
class CutoverPages {

    private static final Set<String> FINAL_STATES = Set.of("COMPLETED", "ROLLED_BACK", "ABORTED");

    private final CutoverViews views;
    private final CutoverTransitions transitions;
    private final RunbookCatalog runbooks;
    private final RehearsalForecast forecasts;

    CutoverPages(CutoverViews views, CutoverTransitions transitions, RunbookCatalog runbooks,
                 RehearsalForecast forecasts) {
        this.views = views;
        this.transitions = transitions;
        this.runbooks = runbooks;
        this.forecasts = forecasts;
    }

    CutoverPage page(String id, Roles roles) {
        CutoverView cutover = views.view(id);
        List<CutoverPage.PhaseRow> phases = cutover.phases().stream().map(CutoverPages::phaseRow).toList();
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
        return new CutoverPage(cutover, StateTone.of(cutover.state()), startedAt(cutover), endedAt(cutover),
                currentStep(cutover), waiting, projection(cutover), transitions.rollbackPreview(id), nextPhase, phases,
                controls);
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

    private static CutoverPage.PhaseRow phaseRow(CutoverView.PhaseView phase) {
        List<CutoverPage.StepRow> steps = phase.steps().stream().map(step -> new CutoverPage.StepRow(step.id(),
                step.type(), step.state(), StateTone.of(step.state()), step.owner(), step.escalation(), step.attempts(),
                step.startedAt(), step.endedAt(), line(step), heldBy(step))).toList();
        return new CutoverPage.PhaseRow(phase.name(), phase.state(), StateTone.of(phase.state()),
                phase.pointOfNoReturn(), steps);
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
        return output.get("summary") instanceof String summary ? summary : null;
    }

    private static List<String> heldBy(CutoverView.StepView step) {
        List<String> held = strings(map(step.output().get("figures")).get("heldBy"));
        return held.isEmpty() ? strings(map(step.output().get("evidence")).get("heldBy")) : held;
    }

    private CutoverPage.Projection projection(CutoverView cutover) {
        if (FINAL_STATES.contains(cutover.state()) || cutover.state().startsWith("ROLL")) {
            return null;
        }
        Optional<RehearsalForecast.Forecast> forecast = runbooks.findValid(cutover.runbook())
                .map(runbook -> forecasts.forecast(runbook, cutover.environment(), null));
        if (forecast.isEmpty()) {
            return null;
        }
        Map<String, RehearsalForecast.StepFigures> figures = new HashMap<>();
        forecast.get().steps().forEach(step -> figures.put(step.stepId(), step));
        Instant now = Instant.now();
        double p50 = 0;
        double p90 = 0;
        List<String> unrehearsed = new ArrayList<>();
        for (CutoverView.StepView step : steps(cutover).toList()) {
            if ("SUCCEEDED".equals(step.state())) {
                continue;
            }
            RehearsalForecast.StepFigures timed = figures.get(step.id());
            if (timed == null || timed.samples() == 0) {
                unrehearsed.add(step.id());
                continue;
            }
            // A running step has used part of its time already; what is left never goes below zero.
            double spent = step.startedAt() != null && "RUNNING".equals(step.state())
                    ? Duration.between(step.startedAt(), now).toMillis() / 1000.0 : 0;
            p50 += Math.max(0, timed.medianSeconds() - spent);
            p90 += Math.max(0, timed.p90Seconds() - spent);
        }
        int rehearsals = forecast.get().rehearsals();
        if (!unrehearsed.isEmpty()) {
            return new CutoverPage.Projection(null, null, null, null, rehearsals, rehearsals == 0
                    ? "no rehearsal of " + cutover.runbook() + " in " + cutover.environment() + " yet"
                    : "not rehearsed yet: " + String.join(", ", unrehearsed));
        }
        return new CutoverPage.Projection(now.plusMillis((long) (p50 * 1000)), now.plusMillis((long) (p90 * 1000)),
                p50, p90, rehearsals, "from " + rehearsals + " rehearsal(s); time between phases not included");
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
