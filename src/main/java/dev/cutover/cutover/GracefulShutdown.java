package dev.cutover.cutover;

import dev.cutover.cutover.eventlog.EventLog;
import dev.cutover.cutover.execution.StopSignals;
import dev.cutover.cutover.state.CutoverRepository;
import dev.cutover.instance.InstanceLeases;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 */
@Component
class GracefulShutdown {

    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);
    private static final EnumSet<CutoverState> ACTIVE =
            EnumSet.of(CutoverState.RUNNING, CutoverState.AWAITING_APPROVAL, CutoverState.PAUSING);
    private static final long WAIT_MILLIS = 30_000;

    private final CutoverRepository cutovers;
    private final StopSignals stops;
    private final EventLog events;
    private final InstanceLeases instances;

    GracefulShutdown(CutoverRepository cutovers, StopSignals stops, EventLog events, InstanceLeases instances) {
        this.instances = instances;
        this.cutovers = cutovers;
        this.stops = stops;
        this.events = events;
    }

    @EventListener(ContextClosedEvent.class)
    @Order(0)
    void pauseRunningPhases() throws InterruptedException {
        List<Cutover> running = ownActive();
        if (running.isEmpty()) {
            return;
        }
        // A rolling restart: another live instance resumes what this one pauses, nobody has to.
        Optional<String> heir = instances.liveOthers().stream().findFirst();
        for (Cutover cutover : running) {
            stops.raise(cutover.id());
            events.append(cutover.id(), cutover.currentPhase(), null, Actor.SYSTEM, "phase", "pausing",
                    "service instance " + instances.self().id() + " is shutting down: pausing phase "
                            + cutover.currentPhase() + " it runs; " + heir.map(other -> "service instance " + other
                            + " resumes it").orElse("resume it afterwards"),
                    Map.of());
        }
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (!ownActive().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        log.info("Paused {} running cutover phase(s) for shutdown{}", running.size(),
                heir.map(other -> ", handed over to " + other).orElse(""));
        heir.ifPresent(other -> running.forEach(cutover -> offer(cutover, other)));
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
        String self = instances.self().id();
        return cutovers.findOwnedInStates(ACTIVE).stream().filter(owned -> self.equals(owned.owner()))
                .map(CutoverRepository.Owned::cutover).toList();
    }
}
