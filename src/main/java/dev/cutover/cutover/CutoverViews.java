package dev.cutover.cutover;

import dev.cutover.cutover.state.CutoverRepository;
import dev.cutover.instance.ServiceInstances;

import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookGroup;
import dev.cutover.runbook.RunbookPhase;
import dev.cutover.runbook.RunbookStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Builds {@link CutoverView}s from the stored cutover, its steps and its runbook. */
@Component
public class CutoverViews {

    private final CutoverRepository cutovers;
    private final CutoverTransitions transitions;
    private final ServiceInstances instances;

    CutoverViews(CutoverRepository cutovers, CutoverTransitions transitions, ServiceInstances instances) {
        this.cutovers = cutovers;
        this.transitions = transitions;
        this.instances = instances;
    }

    /** The newest cutovers, newest first, at most {@code limit} of them. */
    public List<CutoverView> latest(int limit) {
        List<Cutover> page = cutovers.findPage(limit, 0);
        Map<String, String> owners = cutovers.owners(page.stream().map(Cutover::id).toList());
        Map<String, ServiceInstances.Runner> runners = instances.runners(new java.util.HashSet<>(owners.values()));
        return page.stream().map(cutover -> view(cutover, Optional.ofNullable(owners.get(cutover.id()))
                .map(runners::get).orElse(null))).toList();
    }

    /** One cutover; a missing one is the API's 404 problem. */
    public CutoverView view(String id) {
        return view(transitions.require(id));
    }

    /** One read of the steps, one parse of each output: the view and its allowed actions come from the same facts. */
    public CutoverView view(Cutover cutover) {
        return view(cutover, cutovers.owner(cutover.id()).map(instances::runner).orElse(null));
    }

    private CutoverView view(Cutover cutover, ServiceInstances.Runner runsOn) {
        CutoverPolicy policy = transitions.policy(cutover);
        Optional<Runbook> runbook = policy.runbook();
        Map<String, List<CutoverPolicy.StepFacts>> byPhase = new LinkedHashMap<>();
        for (CutoverPolicy.StepFacts facts : policy.steps()) {
            byPhase.computeIfAbsent(facts.step().phase(), phase -> new ArrayList<>()).add(facts);
        }
        List<CutoverView.PhaseView> phases = new ArrayList<>();
        byPhase.forEach((phase, phaseSteps) -> {
            Optional<RunbookPhase> definition = runbook.flatMap(r -> r.phase(phase));
            List<CutoverView.StepView> stepViews = phaseSteps.stream().map(facts -> {
                CutoverStep step = facts.step();
                String escalation = runbook.flatMap(r -> r.step(step.stepId())).map(RunbookStep::escalation).orElse(null);
                String group = definition.flatMap(d -> d.parallelGroupOf(step.stepId())).map(RunbookGroup::name)
                        .orElse(null);
                return new CutoverView.StepView(step.stepId(), step.type(), step.state().name(), step.startedAt(),
                        step.endedAt(), step.owner(), escalation, step.attempts(), facts.output(), group);
            }).toList();
            phases.add(new CutoverView.PhaseView(phase, phaseState(phaseSteps.stream().map(CutoverPolicy.StepFacts::step)
                    .toList()), definition.map(RunbookPhase::pointOfNoReturn).orElse(false), stepViews));
        });
        String window = runbook.map(Runbook::window).map(dev.cutover.runbook.Durations::format).orElse(null);
        return new CutoverView(cutover.id(), cutover.runbook(), cutover.runbookSha256(), window, cutover.environment(),
                cutover.rehearsal(), cutover.state().name(), cutover.currentPhase(), cutover.jobExecutionId(),
                cutover.createdBy(), cutover.createdAt(), cutover.updatedAt(), phases,
                policy.allowedActions().stream().map(CutoverAction::apiName).toList(),
                runsOn);
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
