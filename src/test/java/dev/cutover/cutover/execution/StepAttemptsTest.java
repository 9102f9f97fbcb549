package dev.cutover.cutover.execution;

import dev.cutover.cutover.Cutover;
import dev.cutover.cutover.CutoverState;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.step.Approval;
import dev.cutover.step.ApprovalRequest;
import dev.cutover.step.StepOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 16, defect 9: a retry never starts while a timed-out attempt that ignores interruption still runs. */
class StepAttemptsTest {

    private final StepAttempts runner = new StepAttempts(Duration.ofMillis(300));

    @AfterEach
    void stop() {
        runner.destroy();
    }

    @Test
    void aTimedOutAttemptThatIgnoresInterruptionIsNeverRetriedBesideItself() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger attempts = new AtomicInteger();
        StepAttempts.Result result = runner.run(2, () -> context(Duration.ofMillis(100)), context -> {
            attempts.incrementAndGet();
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                sleepIgnoringInterrupts(Duration.ofSeconds(3));
            } finally {
                running.decrementAndGet();
            }
            return StepOutcome.succeeded("done at last");
        }, (attempt, max, reason, evidence) -> { });

        assertThat(mostAtOnce.get()).as("attempts running at once").isEqualTo(1);
        assertThat(attempts.get()).isEqualTo(1);
        assertThat(result.ending()).isEqualTo(StepAttempts.Ending.FAILED);
        assertThat(result.stillRunning()).isTrue();
        assertThat(result.summary()).contains("did not stop").contains("no retry");
    }

    @Test
    void aTimedOutAttemptThatStopsIsRetried() {
        AtomicInteger attempts = new AtomicInteger();
        StepAttempts.Result result = runner.run(1, () -> context(Duration.ofMillis(100)), context -> {
            if (attempts.incrementAndGet() == 1) {
                Thread.sleep(5_000); // gives way to the interrupt
            }
            return StepOutcome.succeeded("second time lucky");
        }, (attempt, max, reason, evidence) -> { });

        assertThat(attempts.get()).isEqualTo(2);
        assertThat(result.ending()).isEqualTo(StepAttempts.Ending.SUCCEEDED);
    }

    @Test
    void anUnexpectedFailureReadsAsASentenceWithoutAClassName() {
        StepAttempts.Result result = runner.run(0, () -> context(Duration.ofSeconds(5)), context -> {
            throw new java.net.ConnectException("Connection refused: db.internal:3306");
        }, (attempt, max, reason, evidence) -> { });

        assertThat(result.summary()).startsWith("connection refused").doesNotContain("ConnectException");
    }

    private static void sleepIgnoringInterrupts(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException ignored) {
                // a step that does not give way
            }
        }
    }

    private static RunningStepContext context(Duration timeout) {
        Cutover cutover = new Cutover("c-1", "runbook", "local", true, CutoverState.RUNNING, "phase", null, null, 0,
                "operator", Instant.now(), Instant.now(), null);
        return new RunningStepContext(cutover, "phase", "step", Map.of(), Map.of(), timeout, false,
                new RunningStepContext.Host() {
                    @Override
                    public boolean stopRequested(RunningStepContext step) {
                        return false;
                    }

                    @Override
                    public void progress(RunningStepContext step, String message, Map<String, Object> figures) {
                    }

                    @Override
                    public void awaitingApproval(RunningStepContext step, ApprovalRequest request) {
                    }

                    @Override
                    public Optional<Approval> approval(String cutoverId, String stepId) {
                        return Optional.empty();
                    }

                    @Override
                    public void approvalReceived(RunningStepContext step, Approval approval) {
                    }
                });
    }
}
