package dev.cutover.cutover.execution;

import dev.cutover.cutover.Actor;
import dev.cutover.cutover.Cutover;
import dev.cutover.cutover.CutoverState;
import dev.cutover.cutover.StepState;
import dev.cutover.cutover.eventlog.EventLog;
import dev.cutover.cutover.state.CutoverRepository;
import dev.cutover.cutover.state.CutoverStepRepository;

import java.util.EnumSet;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * At startup, nothing of this service runs yet; a cutover still marked as running was cut off by
 * a crash (kill -9, OOM, power). Its Batch execution is recovered (marked FAILED so it can be
 * restarted), its running step is marked INTERRUPTED, and the cutover shows INTERRUPTED until an
 * operator restarts the phase, which continues from that step. Assumes one service instance per
 * database, as the cutover runbook assumes one war room.
 */
@Component
class InterruptedExecutionRecovery {

    private static final Logger log = LoggerFactory.getLogger(InterruptedExecutionRecovery.class);

    private final CutoverRepository cutovers;
    private final CutoverStepRepository steps;
    private final AutomaticTransitions moves;
    private final PhaseLauncher launcher;
    private final EventLog events;

    InterruptedExecutionRecovery(CutoverRepository cutovers, CutoverStepRepository steps, AutomaticTransitions moves,
                                 PhaseLauncher launcher, EventLog events) {
        this.cutovers = cutovers;
        this.steps = steps;
        this.moves = moves;
        this.launcher = launcher;
        this.events = events;
    }

    @EventListener(ApplicationReadyEvent.class)
    void recoverInterruptedExecutions() {
        for (Cutover cutover : cutovers.findInStates(EnumSet.of(CutoverState.RUNNING, CutoverState.AWAITING_APPROVAL,
                CutoverState.PAUSING, CutoverState.ROLLING_BACK, CutoverState.ABORTED))) {
            recover(cutover);
        }
    }

    private void recover(Cutover cutover) {
        boolean rollingBack = cutover.state() == CutoverState.ROLLING_BACK;
        Long executionId = rollingBack ? cutover.rollbackJobExecutionId() : cutover.jobExecutionId();
        if (executionId != null) {
            launcher.recover(executionId);
        }
        if (cutover.state() == CutoverState.ABORTED) {
            steps.interrupt(cutover.id());
            return;
        }
        int interrupted = steps.interrupt(cutover.id());
        CutoverState next = rollingBack ? CutoverState.ROLLBACK_FAILED : CutoverState.INTERRUPTED;
        if (rollingBack) {
            steps.findInStates(cutover.id(), EnumSet.of(StepState.INTERRUPTED))
                    .forEach(step -> steps.state(cutover.id(), step.stepId(), StepState.ROLLBACK_FAILED));
        }
        moves.move(cutover.id(), EnumSet.of(cutover.state()), next, UnaryOperator.identity());
        String what = rollingBack ? "the rollback" : "phase " + cutover.currentPhase();
        log.warn("Cutover {} was {} when the service stopped: {} is marked {}", cutover.id(), cutover.state(), what, next);
        events.append(cutover.id(), cutover.currentPhase(), null, Actor.SYSTEM, rollingBack ? "rollback" : "phase",
                "interrupted", "found at startup: the service stopped while " + what + " ran; "
                        + (rollingBack ? "rollback again to continue" : "restart the phase to continue from the "
                        + "interrupted step"),
                Map.of("jobExecutionId", executionId == null ? "none" : executionId, "stepsInterrupted", interrupted,
                        "stateBefore", cutover.state().name()));
    }
}
