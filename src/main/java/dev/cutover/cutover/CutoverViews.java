package dev.cutover.cutover;

import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookCatalog;
import dev.cutover.runbook.RunbookPhase;
import dev.cutover.runbook.RunbookStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Builds {@link CutoverView}s from the stored cutover, its steps and its runbook. */
@Component
public class CutoverViews {

    private static final TypeReference<Map<String, Object>> OUTPUT = new TypeReference<>() { };

    private final CutoverRepository cutovers;
    private final CutoverStepRepository steps;
    private final RunbookCatalog runbooks;
    private final CutoverTransitions transitions;
    private final JsonMapper json;

    CutoverViews(CutoverRepository cutovers, CutoverStepRepository steps, RunbookCatalog runbooks,
                 CutoverTransitions transitions, JsonMapper json) {
        this.cutovers = cutovers;
        this.steps = steps;
        this.runbooks = runbooks;
        this.transitions = transitions;
        this.json = json;
    }

    /** Every cutover, newest first. */
    public List<CutoverView> all() {
        return cutovers.findAll().stream().map(this::view).toList();
    }

    /** One cutover; a missing one is the API's 404 problem. */
    public CutoverView view(String id) {
        return view(transitions.require(id));
    }

    public CutoverView view(Cutover cutover) {
        Optional<Runbook> runbook = runbooks.findValid(cutover.runbook());
        Map<String, List<CutoverStep>> byPhase = new LinkedHashMap<>();
        for (CutoverStep step : steps.findByCutover(cutover.id())) {
            byPhase.computeIfAbsent(step.phase(), phase -> new ArrayList<>()).add(step);
        }
        List<CutoverView.PhaseView> phases = new ArrayList<>();
        byPhase.forEach((phase, phaseSteps) -> {
            Optional<RunbookPhase> definition = runbook.flatMap(r -> r.phase(phase));
            List<CutoverView.StepView> stepViews = phaseSteps.stream().map(step -> {
                Optional<RunbookStep> definitionOfStep = runbook.flatMap(r -> r.step(step.stepId()));
                String escalation = definitionOfStep.map(RunbookStep::escalation).orElse(null);
                return new CutoverView.StepView(step.stepId(), step.type(), step.state().name(), step.startedAt(),
                        step.endedAt(), step.owner(), escalation, step.attempts(),
                        step.output() == null ? Map.of() : json.readValue(step.output(), OUTPUT));
            }).toList();
            phases.add(new CutoverView.PhaseView(phase, phaseState(phaseSteps),
                    definition.map(RunbookPhase::pointOfNoReturn).orElse(false), stepViews));
        });
        return new CutoverView(cutover.id(), cutover.runbook(), cutover.environment(), cutover.rehearsal(),
                cutover.state().name(), cutover.currentPhase(), cutover.jobExecutionId(), cutover.createdBy(),
                cutover.createdAt(), cutover.updatedAt(), phases,
                transitions.allowedActions(cutover).stream().map(CutoverAction::apiName).toList());
    }

    /** A phase is as far as its least advanced step; a step in trouble names the phase's state. */
    static String phaseState(List<CutoverStep> phaseSteps) {
        for (StepState trouble : List.of(StepState.RUNNING, StepState.AWAITING_APPROVAL, StepState.ROLLING_BACK,
                StepState.ROLLBACK_FAILED, StepState.FAILED, StepState.INTERRUPTED, StepState.STOPPED)) {
            if (phaseSteps.stream().anyMatch(step -> step.state() == trouble)) {
                return trouble == StepState.STOPPED ? "PAUSED" : trouble.name();
            }
        }
        if (phaseSteps.stream().allMatch(step -> step.state() == StepState.PENDING)) {
            return "PENDING";
        }
        if (phaseSteps.stream().allMatch(step -> step.state() == StepState.SUCCEEDED)) {
            return "COMPLETED";
        }
        if (phaseSteps.stream().anyMatch(step -> step.state() == StepState.ROLLED_BACK)) {
            return "ROLLED_BACK";
        }
        return "PARTIAL";
    }
}
