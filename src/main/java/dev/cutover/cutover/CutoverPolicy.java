package dev.cutover.cutover;

import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookPhase;
import dev.cutover.step.StepOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What may be done with a cutover now, decided from facts read once: its state, its pinned
 * runbook and its steps with their parsed outputs. Pure, so the view, the 409 answer and the
 * transitions all say the same thing.
 */
record CutoverPolicy(Cutover cutover, Optional<Runbook> runbook, List<StepFacts> steps) {

    /** One step's state and its parsed output ({@code summary}, {@code evidence}, {@code progress}, ...). */
    record StepFacts(CutoverStep step, Map<String, Object> output) {

        Map<?, ?> evidence() {
            return output.get("evidence") instanceof Map<?, ?> evidence ? evidence : Map.of();
        }
    }

    /** The actions legal now: the state's own, less rollback once it would lose writes. */
    Set<CutoverAction> allowedActions() {
        Set<CutoverAction> allowed = cutover.state().allowedActions();
        if (allowed.contains(CutoverAction.ROLLBACK) && rollbackWouldLoseWrites().isPresent()) {
            allowed.remove(CutoverAction.ROLLBACK);
        }
        return allowed;
    }

    /**
     * Why a rollback now would lose writes, if it would: a point of no return has been passed and
     * no completed step kept rollback lossless (reverse replication), or one gave that up.
     */
    Optional<String> rollbackWouldLoseWrites() {
        Optional<String> phase = passedPointOfNoReturn();
        if (phase.isEmpty()) {
            return Optional.empty();
        }
        List<String> kept = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        for (StepFacts facts : steps) {
            if (facts.step().state() != StepState.SUCCEEDED) {
                continue;
            }
            Object lossless = facts.evidence().get(StepOutcome.LOSSLESS_ROLLBACK);
            if (Boolean.TRUE.equals(lossless)) {
                kept.add(facts.step().stepId());
            } else if (lossless instanceof Boolean) {
                Object why = facts.evidence().get(StepOutcome.ROLLBACK_WOULD_LOSE);
                lost.add(facts.step().stepId() + (why == null ? "" : " (" + why + ")"));
            }
        }
        if (!kept.isEmpty() && lost.isEmpty()) {
            return Optional.empty();
        }
        String because = lost.isEmpty()
                ? "writes may have landed on the target and no step set up reverse replication, so a rollback would lose them"
                : "a rollback would lose " + String.join("; ", lost);
        return Optional.of("phase " + phase.get() + " is a point of no return: " + because);
    }

    /**
     * What a rollback ordered now would do: the inverses of every step that started, last first —
     * a running step is stopped first and undone too — and whether it is allowed at all.
     */
    RollbackPreview rollbackPreview() {
        List<String> toUndo = UndoOrder.of(steps.stream().map(StepFacts::step)
                .filter(step -> step.state() != StepState.PENDING && step.state() != StepState.ROLLED_BACK).toList())
                .stream().map(CutoverStep::stepId).toList();
        if (allowedActions().contains(CutoverAction.ROLLBACK)) {
            return new RollbackPreview(toUndo, true, null);
        }
        String refusal = cutover.state().allows(CutoverAction.ROLLBACK)
                ? rollbackWouldLoseWrites().orElse("not allowed now")
                : "not while the cutover is " + cutover.state();
        return new RollbackPreview(toUndo, false, refusal);
    }

    /** Why the phase cannot start now (an earlier phase is not complete, or it has completed), or null. */
    String whyPhaseCannotStart(RunbookPhase phase) {
        for (RunbookPhase earlier : runbook.orElseThrow().phases()) {
            if (earlier.name().equals(phase.name())) {
                return phaseCompleted(phase) ? "phase " + phase.name() + " has completed already" : null;
            }
            if (!phaseCompleted(earlier)) {
                return "phase " + earlier.name() + " comes first and has not completed";
            }
        }
        return null;
    }

    private Optional<String> passedPointOfNoReturn() {
        return runbook.flatMap(r -> r.phases().stream()
                .filter(RunbookPhase::pointOfNoReturn)
                .filter(this::phaseCompleted)
                .map(RunbookPhase::name)
                .findFirst());
    }

    private boolean phaseCompleted(RunbookPhase phase) {
        Map<String, StepState> states = new LinkedHashMap<>();
        steps.forEach(facts -> states.put(facts.step().stepId(), facts.step().state()));
        return phase.steps().stream().allMatch(step -> states.get(step.id()) == StepState.SUCCEEDED);
    }
}
