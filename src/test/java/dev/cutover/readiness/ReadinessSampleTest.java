package dev.cutover.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.step.ReadinessSignal;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.testsupport.RecordingStepContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

/** One sample of the readiness gate reads its inputs side by side, and reports them in the signals' order. */
class ReadinessSampleTest {

    private static final Duration READ_TAKES = Duration.ofMillis(400);

    private CutoverReadinessStepType gate;

    @AfterEach
    void stop() {
        gate.destroy();
    }

    @Test
    void aSampleTakesItsSlowestInputNotTheSumOfThem() throws Exception {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("replica", new SlowSignal("replica lag"));
        beans.registerSingleton("freeze", new SlowSignal("freeze"));
        beans.registerSingleton("backlog", new SlowSignal("backlog"));
        gate = new CutoverReadinessStepType(beans.getBeanProvider(ReadinessSignal.class));
        RecordingStepContext context = new RecordingStepContext(Map.of("watch", List.of("all"), "consecutive", "1",
                "interval", "10ms"));

        long started = System.nanoTime();
        StepOutcome outcome = gate.execute(context);
        long tookMs = Duration.ofNanos(System.nanoTime() - started).toMillis();

        assertThat(tookMs).as("three inputs of %d ms each, read at once", READ_TAKES.toMillis())
                .isLessThan(READ_TAKES.toMillis() * 2);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> inputs = (List<Map<String, Object>>) outcome.evidence().get("inputs");
        assertThat(inputs).extracting(input -> input.get("input")).containsExactly("replica lag", "freeze", "backlog");
    }

    private record SlowSignal(String input) implements ReadinessSignal {

        @Override
        public List<StepParameter> parameters() {
            return List.of(StepParameter.optional("watch", StepParameter.Kind.LIST, "what to watch"));
        }

        @Override
        public Optional<Probe> watch(dev.cutover.step.StepContext context) {
            return Optional.of(() -> {
                Thread.sleep(READ_TAKES.toMillis());
                return List.of(new Reading(input, true, input + " ready", Map.of()));
            });
        }
    }
}
