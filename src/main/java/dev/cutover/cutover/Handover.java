package dev.cutover.cutover;

import dev.cutover.cutover.eventlog.CutoverEvent;
import dev.cutover.cutover.eventlog.EventAppendedElsewhere;
import dev.cutover.cutover.eventlog.EventLog;
import dev.cutover.instance.InstanceLeases;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Takes over a phase another instance hands over as it stops gracefully (a rolling restart): that
 * instance paused the phase at its running step (the step gives way and is run again), then offered it
 * to this one in the event log ({@link #OFFERED}); this instance resumes it through the same path as a
 * person's resume, so the state machine's compare-and-set applies and a person who acted first wins.
 * A rollback offered so ({@link #ROLLBACK}) was stopped between inverses; this instance restarts it.
 */
@Component
class Handover {

    static final String ACTION = "handover";
    static final String OFFERED = "offered";
    /** The evidence's {@code kind} of a rollback handed over (a phase's offer has none). */
    static final String ROLLBACK = "rollback";

    private static final Logger log = LoggerFactory.getLogger(Handover.class);

    private final CutoverTransitions transitions;
    private final EventLog events;
    private final InstanceLeases instances;

    Handover(CutoverTransitions transitions, EventLog events, InstanceLeases instances) {
        this.transitions = transitions;
        this.events = events;
        this.instances = instances;
    }

    @EventListener
    void offered(EventAppendedElsewhere appended) {
        CutoverEvent event = appended.event();
        if (!ACTION.equals(event.action()) || !OFFERED.equals(event.outcome()) || event.evidence() == null
                || !instances.self().id().equals(event.evidence().get("to"))) {
            return;
        }
        String from = String.valueOf(event.evidence().get("from"));
        String phase = event.phase();
        boolean rollback = ROLLBACK.equals(event.evidence().get("kind"));
        String what = rollback ? "the rollback" : "phase " + phase;
        try {
            if (rollback) {
                transitions.continueHandedOverRollback(event.cutoverId());
            } else {
                transitions.resume(event.cutoverId(), Actor.SYSTEM);
            }
            events.append(event.cutoverId(), phase, null, Actor.SYSTEM, ACTION, "taken", what
                    + " handed over from service instance " + instances.describe(from) + " to "
                    + instances.self().describe(), Map.of("from", from, "to", instances.self().id()));
        } catch (RuntimeException e) {
            log.warn("Could not take over {} of cutover {} from {}: {}", what, event.cutoverId(), from,
                    e.getMessage());
            events.append(event.cutoverId(), phase, null, Actor.SYSTEM, ACTION, "not-done", "service instance "
                    + instances.self().id() + " could not take " + what + " over (" + e.getMessage()
                    + "); " + (rollback ? "roll back again by hand" : "resume it by hand"),
                    Map.of("from", from, "to", instances.self().id()));
        }
    }
}
