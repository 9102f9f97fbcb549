package dev.cutover.cutover;

import dev.cutover.cutover.eventlog.EventLog;
import dev.cutover.cutover.execution.StepFailedWithRollback;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Starts the rollback a failed step asked for ({@code onFailure: rollback}). A listener rather than
 * a call from the phase job because the job's launcher is what {@link CutoverTransitions} uses to
 * run a rollback; the event is handled synchronously, on the job's thread, right after the job's
 * listener wrote FAILED.
 */
@Component
class AutomaticRollback {

    private static final Logger log = LoggerFactory.getLogger(AutomaticRollback.class);

    private final CutoverTransitions transitions;
    private final EventLog events;

    AutomaticRollback(CutoverTransitions transitions, EventLog events) {
        this.transitions = transitions;
        this.events = events;
    }

    @EventListener
    void stepFailed(StepFailedWithRollback failed) {
        try {
            transitions.rollbackAfterFailure(failed.cutoverId(), failed.stepId(), failed.jobExecutionId());
        } catch (RuntimeException e) {
            // The cutover stays FAILED, as without onFailure: a person decides; the job must still end cleanly.
            log.error("Could not start the automatic rollback of cutover {} after step {} failed", failed.cutoverId(),
                    failed.stepId(), e);
            events.append(failed.cutoverId(), failed.phase(), null, Actor.SYSTEM, "rollback", "not-requested",
                    "automatic rollback could not be started (" + e.getClass().getSimpleName() + ", see the service log); "
                            + "a person must decide", Map.of("failedStep", failed.stepId()));
        }
    }
}
