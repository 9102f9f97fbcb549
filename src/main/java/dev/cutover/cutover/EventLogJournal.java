package dev.cutover.cutover;

import dev.cutover.step.CutoverJournal;
import java.util.EnumSet;
import java.util.Map;
import org.springframework.stereotype.Component;

/** The cutover module's side of {@link CutoverJournal}: reads cutover states, appends to the event log. */
@Component
class EventLogJournal implements CutoverJournal {

    private static final EnumSet<CutoverState> ENDED =
            EnumSet.of(CutoverState.COMPLETED, CutoverState.ROLLED_BACK, CutoverState.ABORTED);

    private final CutoverRepository cutovers;
    private final CutoverStepRepository steps;
    private final EventLog events;

    EventLogJournal(CutoverRepository cutovers, CutoverStepRepository steps, EventLog events) {
        this.cutovers = cutovers;
        this.steps = steps;
        this.events = events;
    }

    @Override
    public boolean active(String cutoverId) {
        return cutovers.find(cutoverId).map(cutover -> !ENDED.contains(cutover.state())).orElse(false);
    }

    @Override
    public void record(String cutoverId, String stepId, String actor, String action, String outcome, String message,
                       Map<String, Object> evidence) {
        String phase = stepId == null ? null : steps.find(cutoverId, stepId).map(CutoverStep::phase).orElse(null);
        events.append(cutoverId, phase, stepId, new Actor(actor, null), action, outcome, message, evidence);
    }
}
