package dev.cutover.cutover.execution;

import dev.cutover.cutover.Actor;
import dev.cutover.cutover.Cutover;
import dev.cutover.cutover.CutoverState;
import dev.cutover.cutover.CutoverStep;
import dev.cutover.cutover.StepState;
import dev.cutover.cutover.eventlog.EventLog;
import dev.cutover.cutover.state.CutoverRepository;
import dev.cutover.cutover.state.CutoverStepRepository;
import dev.cutover.cutover.state.PinnedRunbooks;
import dev.cutover.instance.InstanceLeases;
import dev.cutover.instance.LeaseCheck;
import dev.cutover.runbook.Runbook;
import dev.cutover.step.StepType;
import dev.cutover.step.StepTypeCatalog;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Predicate;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Takes over the executions of dead instances. A cutover records the instance running its phase or
 * rollback; when that instance's lease has expired (kill -9, OOM, a lost host), its Batch execution
 * is recovered (marked FAILED so it can be restarted), its running step is marked INTERRUPTED, and
 * the cutover shows INTERRUPTED, naming the dead instance, until the phase is restarted, which
 * continues from that step. Checked at startup and at every {@link LeaseCheck}; a live instance's
 * execution is never touched. At startup this instance's own earlier executions (same configured
 * id, a previous process), those of an instance on this host whose process is gone (a restart
 * after kill -9) and rows from before leases (no owner) count as dead too.
 * <p>
 * Two standbys may find the same orphan: the compare-and-set on the cutover's version decides
 * which one takes it over, and only that one touches its steps and execution.
 * <p>
 * When every interrupted step is of a type that is safe to run again and its runbook step says
 * {@code autoResume: true}, an {@link ExecutionRecovered} asks for the phase to be restarted at once.
 */
@Component
class InterruptedExecutionRecovery {

    private static final Logger log = LoggerFactory.getLogger(InterruptedExecutionRecovery.class);
    private static final EnumSet<CutoverState> RECOVERABLE = EnumSet.of(CutoverState.RUNNING,
            CutoverState.AWAITING_APPROVAL, CutoverState.PAUSING, CutoverState.ROLLING_BACK, CutoverState.ABORTED);

    private final CutoverRepository cutovers;
    private final CutoverStepRepository steps;
    private final PhaseLauncher launcher;
    private final EventLog events;
    private final InstanceLeases instances;
    private final PinnedRunbooks runbooks;
    private final StepTypeCatalog types;
    private final ApplicationEventPublisher publisher;

    InterruptedExecutionRecovery(CutoverRepository cutovers, CutoverStepRepository steps, PhaseLauncher launcher,
                                 EventLog events, InstanceLeases instances, PinnedRunbooks runbooks,
                                 StepTypeCatalog types, ApplicationEventPublisher publisher) {
        this.cutovers = cutovers;
        this.steps = steps;
        this.launcher = launcher;
        this.events = events;
        this.instances = instances;
        this.runbooks = runbooks;
        this.types = types;
        this.publisher = publisher;
    }

    /** After the sync recovery (order 0): a sync step that resumes finds its run INTERRUPTED, not RUNNING. */
    @EventListener(ApplicationReadyEvent.class)
    @Order(10)
    void recoverAtStartup() {
        recoverOrphans(true);
    }

    @EventListener(LeaseCheck.class)
    @Order(10)
    void recoverPeriodically() {
        recoverOrphans(false);
    }

    void recoverOrphans(boolean startup) {
        List<CutoverRepository.Owned> candidates = cutovers.findOwnedInStates(RECOVERABLE);
        Predicate<String> orphan = instances.orphans(candidates.stream().map(CutoverRepository.Owned::owner).toList(),
                startup);
        for (CutoverRepository.Owned owned : candidates) {
            String owner = owned.owner();
            if (orphan.test(owner)) {
                try {
                    recover(owned.cutover(), owner, startup);
                } catch (RuntimeException e) {
                    log.error("Could not take over cutover {} from instance {}", owned.cutover().id(), owner, e);
                }
            }
        }
    }

    private void recover(Cutover cutover, String owner, boolean startup) {
        boolean rollingBack = cutover.state() == CutoverState.ROLLING_BACK;
        boolean aborted = cutover.state() == CutoverState.ABORTED;
        CutoverState next = aborted ? CutoverState.ABORTED
                : rollingBack ? CutoverState.ROLLBACK_FAILED : CutoverState.INTERRUPTED;
        // The claim: whoever moves the version first takes the cutover over; anyone else leaves it.
        // An aborted cutover keeps its state and loses its (dead) owner, so it is taken over once.
        boolean claimed = aborted ? cutovers.compareAndSet(cutover.version(), cutover, null)
                : cutovers.compareAndSet(cutover.version(), cutover.withState(next));
        if (!claimed) {
            return;
        }
        Long executionId = rollingBack ? cutover.rollbackJobExecutionId() : cutover.jobExecutionId();
        if (executionId != null) {
            launcher.recover(executionId);
        }
        int interrupted = steps.interrupt(cutover.id());
        if (aborted) {
            return;
        }
        List<CutoverStep> cutOff = steps.findInStates(cutover.id(), EnumSet.of(StepState.INTERRUPTED));
        if (rollingBack) {
            cutOff.forEach(step -> steps.state(cutover.id(), step.stepId(), StepState.ROLLBACK_FAILED));
        }
        String what = rollingBack ? "the rollback" : "phase " + cutover.currentPhase();
        String who = owner == null ? "the service" : "service instance " + instances.describe(owner);
        String how = owner != null && !owner.equals(instances.self().id())
                ? who + " stopped renewing its lease while " + what + " ran there; taken over by instance "
                + instances.self().id()
                : "found at startup: " + who + " stopped while " + what + " ran";
        boolean resume = !rollingBack && resumesByItself(cutover, cutOff);
        log.warn("Cutover {} was {} on {}: {} is marked {}", cutover.id(), cutover.state(), who, what, next);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("jobExecutionId", executionId == null ? "none" : executionId);
        evidence.put("stepsInterrupted", interrupted);
        evidence.put("stateBefore", cutover.state().name());
        evidence.put("deadInstance", owner == null ? "unknown" : owner);
        evidence.put("takenOverBy", instances.self().id());
        events.append(cutover.id(), cutover.currentPhase(), null, Actor.SYSTEM, rollingBack ? "rollback" : "phase",
                "interrupted", how + "; " + (rollingBack ? "rollback again to continue"
                        : resume ? "every interrupted step says autoResume and is safe to run again: the phase restarts"
                        : "restart the phase to continue from the interrupted step"), evidence);
        if (resume) {
            publisher.publishEvent(new ExecutionRecovered(cutover.id(), cutover.currentPhase(),
                    cutOff.stream().map(CutoverStep::stepId).toList()));
        }
    }

    /**
     * True when a step was cut off and every such step is of a type that may run again from the start
     * and says {@code autoResume: true}: anything else waits for a person. A phase cut off between
     * steps, or at an approval, waits too.
     */
    private boolean resumesByItself(Cutover cutover, List<CutoverStep> cutOff) {
        if (cutOff.isEmpty() || cutover.state() != CutoverState.RUNNING) {
            return false;
        }
        Runbook runbook = runbooks.find(cutover).orElse(null);
        if (runbook == null) {
            return false;
        }
        return cutOff.stream().allMatch(step -> runbook.step(step.stepId())
                .filter(definition -> definition.autoResume())
                .flatMap(definition -> types.find(definition.type()))
                .map(StepType::resumable).orElse(false));
    }
}
