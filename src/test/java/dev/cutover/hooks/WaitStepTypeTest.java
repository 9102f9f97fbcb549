package dev.cutover.hooks;

import dev.cutover.testsupport.RecordingStepContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepStoppedException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WaitStepTypeTest {

    private final WaitStepType waitStep = new WaitStepType();

    @Test
    void waitsTheGivenTime() throws Exception {
        long start = System.nanoTime();
        StepOutcome outcome = waitStep.execute(new RecordingStepContext(Map.of("duration", "300ms")));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat((Long) outcome.evidence().get("waitedMs")).isBetween(300L, 1000L);
    }

    @Test
    void stopRequestEndsTheWaitPromptly() {
        var context = new RecordingStepContext(Map.of("duration", "30s"));
        context.requestStopAfter(Duration.ofMillis(300));

        long start = System.nanoTime();
        assertThatThrownBy(() -> waitStep.execute(context))
                .isInstanceOf(StepStoppedException.class)
                .hasMessageContaining("of 30s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aWaitLongerThanTheStepTimeoutFailsAtOnce() {
        var context = new RecordingStepContext(Map.of("duration", "10m")).timeout(Duration.ofMinutes(5));

        assertThatThrownBy(() -> waitStep.execute(context))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("wait of 10m is longer than the step's timeout of 5m; raise the step's timeout");
    }
}
