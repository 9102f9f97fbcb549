package dev.cutover.cutover;

import dev.cutover.cutover.eventlog.EventLog;
import dev.cutover.cutover.execution.ExecutionRecovered;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Restarts a phase taken over from a dead instance when its interrupted steps may resume by
 * themselves, through the same path as a person's restart (so the state machine's checks and its
 * compare-and-set apply, and a person who acted first wins). A listener because the recovery lives
 * beside the launcher that {@link CutoverTransitions} drives.
 */
@Component
class AutomaticResume {

    private static final Logger log = LoggerFactory.getLogger(AutomaticResume.class);

    private final CutoverTransitions transitions;
    private final EventLog events;

    AutomaticResume(CutoverTransitions transitions, EventLog events) {
        this.transitions = transitions;
        this.events = events;
    }

    @EventListener
    void recovered(ExecutionRecovered recovered) {
        try {
            transitions.restartPhase(recovered.cutoverId(), recovered.phase(), Actor.SYSTEM);
        } catch (RuntimeException e) {
            log.warn("Could not resume phase {} of cutover {} by itself: {}", recovered.phase(), recovered.cutoverId(),
                    e.getMessage());
            events.append(recovered.cutoverId(), recovered.phase(), null, Actor.SYSTEM, "restart-phase", "not-done",
                    "the phase could not restart by itself (" + e.getMessage() + "); restart it by hand",
                    Map.of("interruptedSteps", recovered.interruptedSteps()));
        }
    }
}
