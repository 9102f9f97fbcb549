package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.runbook.OnFailure;
import dev.cutover.runbook.RunbookGroup;
import dev.cutover.runbook.RunbookPhase;
import dev.cutover.runbook.RunbookStep;
import dev.cutover.runbook.StepRollback;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The forecast counts a parallel group as its longest step; single steps and plain groups add up. */
class ForecastOfParallelGroupsTest {

    private static RunbookStep step(String id) {
        return new RunbookStep(id, "command", "ops", null, Duration.ofMinutes(1), 0, Map.of(), StepRollback.typeDefault());
    }

    private static final RunbookPhase WINDOW = new RunbookPhase("cutover", null, true,
            List.of(step("freeze"), step("snapshot"), step("final-sync"), step("verify-a"), step("verify-b"), step("promote")),
            OnFailure.STOP, List.of(new RunbookGroup("fallbacks", true, List.of("snapshot", "final-sync")),
            new RunbookGroup("checks", false, List.of("verify-a", "verify-b"))));

    @Test
    void aParallelGroupTakesAsLongAsItsLongestStep() {
        Map<String, Double> seconds = Map.of("freeze", 1.0, "snapshot", 2.0, "final-sync", 7.0, "verify-a", 0.5,
                "verify-b", 0.25, "promote", 0.5);
        // 1 + max(2, 7) + 0.5 + 0.25 (a plain group is a sequence) + 0.5
        assertThat(RehearsalForecast.length(WINDOW, seconds)).isEqualTo(9.25);
    }

    @Test
    void aStepWithoutAFigureCountsAsNothing() {
        assertThat(RehearsalForecast.length(WINDOW, Map.of("snapshot", 2.0, "promote", 1.0))).isEqualTo(3.0);
        assertThat(RehearsalForecast.length(WINDOW, Map.of())).isZero();
    }
}
