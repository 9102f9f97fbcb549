package dev.cutover.cutover;

import dev.cutover.cutover.eventlog.EventLog;
import dev.cutover.cutover.execution.PhaseLauncher;
import dev.cutover.cutover.execution.StopSignals;
import dev.cutover.cutover.state.CutoverRepository;
import dev.cutover.instance.InstanceLeases;
import dev.cutover.step.DurationText;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * On a graceful stop of the service (SIGTERM, a deploy), running phases are paused the way an
 * operator pauses them: their steps give way, their Batch executions end STOPPED and the cutovers
 * show PAUSED, ready to resume. Without this, executor threads would be cut mid-step and Batch
 * would leave executions in an unknown state that cannot be restarted. Only this instance's
 * executions: another instance's phases run on, whatever this one does. When another instance is
 * alive (a rolling restart), each paused phase is then offered to it ({@link Handover}), which resumes
 * it; with none, the phases wait PAUSED for a person, as before.
 * <p>
 * A rollback is never paused in the middle of an undo: with an heir, it finishes the inverse under way,
 * starts no other and is handed over between inverses (its job ends STOPPED; the heir restarts it, which
 * undoes the steps left). With none, it may run to its end within the wait; if it cannot, it stops
 * between inverses and shows ROLLBACK_FAILED, saying so, for a person to roll back again.
 */
@Component
class GracefulShutdown {

    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);
    private static final EnumSet<CutoverState> ACTIVE =
            EnumSet.of(CutoverState.RUNNING, CutoverState.AWAITING_APPROVAL, CutoverState.PAUSING);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final CutoverRepository cutovers;
    private final StopSignals stops;
    private final EventLog events;
    private final InstanceLeases instances;
    private final PhaseLauncher launcher;
    /** How long the stop waits for phases to pause and rollbacks to end (or stop between inverses). */
    private final long waitMillis;

    @Autowired
    GracefulShutdown(CutoverRepository cutovers, StopSignals stops, EventLog events, InstanceLeases instances,
                     PhaseLauncher launcher) {
        this(cutovers, stops, events, instances, launcher, WAIT);
    }

    GracefulShutdown(CutoverRepository cutovers, StopSignals stops, EventLog events, InstanceLeases instances,
                     PhaseLauncher launcher, Duration wait) {
        this.waitMillis = wait.toMillis();
        this.instances = instances;
        this.launcher = launcher;
        this.cutovers = cutovers;
        this.stops = stops;
        this.events = events;
    }

    @EventListener(ContextClosedEvent.class)
    @Order(0)
    void pauseRunningPhases() throws InterruptedException {
        List<Cutover> running = ownActive();
        List<Cutover> rollingBack = own(EnumSet.of(CutoverState.ROLLING_BACK));
        if (running.isEmpty() && rollingBack.isEmpty()) {
            return;
        }
        // A rolling restart: another live instance resumes what this one pauses, nobody has to.
        Optional<String> heir = instances.liveOthers().stream().findFirst();
        String self = "service instance " + instances.self().id() + " is shutting down: ";
        for (Cutover cutover : running) {
            stops.raise(cutover.id());
            events.append(cutover.id(), cutover.currentPhase(), null, Actor.SYSTEM, "phase", "pausing",
                    self + "pausing phase " + cutover.currentPhase() + " it runs; " + heir.map(other -> "service "
                            + "instance " + other + " resumes it").orElse("resume it afterwards"), Map.of());
        }
        for (Cutover cutover : rollingBack) {
            if (heir.isPresent()) {
                stops.stopRollbackBeforeNextInverse(cutover.id());
            }
            events.append(cutover.id(), null, null, Actor.SYSTEM, "rollback", "pausing", self + heir.map(other ->
                    "the rollback it runs finishes the inverse under way and starts no other; service instance "
                            + other + " undoes the steps left").orElse("waiting up to "
                    + DurationText.of(Duration.ofMillis(waitMillis)) + " for the rollback it runs to finish"), Map.of());
        }
        long deadline = System.currentTimeMillis() + waitMillis;
        while (!(ownActive().isEmpty() && rollbacksEnded(rollingBack)) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        if (heir.isEmpty() && !rollbacksEnded(rollingBack)) {
            // Nobody to hand it to and out of time: stop between inverses rather than be cut inside one.
            rollingBack.forEach(cutover -> stops.stopRollbackBeforeNextInverse(cutover.id()));
            long last = System.currentTimeMillis() + waitMillis;
            while (!rollbacksEnded(rollingBack) && System.currentTimeMillis() < last) {
                Thread.sleep(200);
            }
        }
        log.info("Paused {} running cutover phase(s) and {} rollback(s) for shutdown{}", running.size(),
                rollingBack.size(), heir.map(other -> ", handed over to " + other).orElse(""));
        heir.ifPresent(other -> running.forEach(cutover -> offer(cutover, other)));
        rollingBack.forEach(cutover -> heir.ifPresentOrElse(other -> offerRollback(cutover, other),
                () -> leaveRollback(cutover)));
    }

    private boolean rollbacksEnded(List<Cutover> rollingBack) {
        return rollingBack.stream().noneMatch(cutover -> launcher.rollbackRunning(cutover.id()));
    }

    /**
     * Hands a rollback this instance stopped between inverses to a live instance: the owner changes in
     * the same write that checks nothing moved meanwhile (a lease check there would otherwise take it
     * for orphaned once this instance's lease ends), then the offer tells the heir to restart it.
     */
    private void offerRollback(Cutover before, String heir) {
        Optional<Cutover> now = cutovers.find(before.id());
        if (now.isEmpty() || now.get().state() != CutoverState.ROLLING_BACK || launcher.rollbackRunning(before.id())
                || !cutovers.compareAndSet(now.get().version(), now.get(), heir)) {
            return; // it finished, a person acted, or its inverse outlasted the wait: recovery decides
        }
        events.append(before.id(), null, null, Actor.SYSTEM, Handover.ACTION, Handover.OFFERED,
                "service instance " + instances.self().id() + " stopped gracefully and hands the rollback over to "
                        + "service instance " + heir, Map.of("from", instances.self().id(), "to", heir,
                        "kind", Handover.ROLLBACK));
    }

    /** No instance to take a rollback that did not finish in time: it says so, and a person rolls back again. */
    private void leaveRollback(Cutover before) {
        Optional<Cutover> now = cutovers.find(before.id());
        if (now.isEmpty() || now.get().state() != CutoverState.ROLLING_BACK || launcher.rollbackRunning(before.id())
                || !cutovers.compareAndSet(now.get().version(), now.get().withState(CutoverState.ROLLBACK_FAILED))) {
            return;
        }
        events.append(before.id(), null, null, Actor.SYSTEM, "rollback", "failed", "the rollback did not finish "
                + "before service instance " + instances.self().id() + " stopped and no other instance runs; it "
                + "stopped between inverses: rollback again to undo the steps left", Map.of());
    }

    /** Offers a phase this instance paused to a live instance ({@link Handover}), once it is PAUSED. */
    private void offer(Cutover before, String heir) {
        Optional<Cutover> now = cutovers.find(before.id());
        if (now.isEmpty() || now.get().state() != CutoverState.PAUSED) {
            return; // a person acted meanwhile (abort, rollback) or it did not stop in time: theirs to decide
        }
        events.append(before.id(), before.currentPhase(), null, Actor.SYSTEM, Handover.ACTION, Handover.OFFERED,
                "service instance " + instances.self().id() + " stopped gracefully and hands phase "
                        + before.currentPhase() + " over to service instance " + heir,
                Map.of("from", instances.self().id(), "to", heir));
    }

    /** The active cutovers whose execution runs on this instance: what a shutdown of this instance pauses. */
    List<Cutover> ownActive() {
        return own(ACTIVE);
    }

    private List<Cutover> own(EnumSet<CutoverState> states) {
        String self = instances.self().id();
        return cutovers.findOwnedInStates(states).stream().filter(owned -> self.equals(owned.owner()))
                .map(CutoverRepository.Owned::cutover).toList();
    }
}
