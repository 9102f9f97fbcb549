package dev.cutover.cutover.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.cutover.eventlog.CutoverEvent;
import dev.cutover.cutover.eventlog.EventAppendedElsewhere;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What another instance appends stops a step running here: a person's pause, abort or rollback, or a takeover. */
class StopSignalsTest {

    private final StopSignals stops = new StopSignals();

    @Test
    void aPauseAbortOrRollbackAcceptedElsewhereStopsTheStepRunningHere() {
        for (String action : new String[] {"pause", "abort", "rollback"}) {
            String cutover = "c-" + action;
            stops.onEventElsewhere(elsewhere(cutover, action, "accepted"));
            assertThat(stops.raised(cutover)).as(action).isTrue();
        }
        stops.onEventElsewhere(elsewhere("c-approve", "approve", "succeeded"));
        stops.onEventElsewhere(elsewhere("c-refused", "rollback", "refused"));
        assertThat(stops.raised("c-approve")).isFalse();
        assertThat(stops.raised("c-refused")).isFalse();
    }

    @Test
    void aTakeoverByAnotherInstanceStopsWhatStillRunsHere() {
        stops.lower("c-1");
        stops.onEventElsewhere(elsewhere("c-1", "phase", "interrupted"));
        assertThat(stops.raised("c-1")).isTrue();
    }

    private static EventAppendedElsewhere elsewhere(String cutover, String action, String outcome) {
        return new EventAppendedElsewhere(new CutoverEvent(1, cutover, Instant.now(), "p", null, "someone", null, action,
                outcome, "", Map.of()));
    }
}
