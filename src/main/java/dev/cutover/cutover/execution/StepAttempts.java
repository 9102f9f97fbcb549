package dev.cutover.cutover.execution;

import dev.cutover.DaemonThreads;
import dev.cutover.step.DurationText;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepStoppedException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Runs the attempts of one step action (forward or inverse): each with its timeout, retried with
 * back-off, never two at once; says how it ended. Retries back off 1 s, 2 s, 4 s ... (at most 30 s) and stop waiting when a stop is raised.
 * A hand-written loop rather than a RetryTemplate because every attempt goes into the event log
 * and the back-off must give way to a pause at once.
 */
@Component
class StepAttempts implements DisposableBean {

    /**
     * How an action ended: succeeded, failed past its retries, or stopped by an operator; or, for a
     * step of a parallel group only, stopped because a sibling failed (its phase fails by the sibling).
     */
    enum Ending { SUCCEEDED, FAILED, STOPPED, SIBLING_FAILED }

    /**
     * @param stillRunning the attempt timed out and did not stop when told to: no retry may start
     *                     beside it, and it may still take effect
     */
    record Result(Ending ending, String summary, Map<String, Object> evidence, int attempts, boolean stillRunning) {

        Result(Ending ending, String summary, Map<String, Object> evidence, int attempts) {
            this(ending, summary, evidence, attempts, false);
        }
    }

    /** One attempt of the action, given a fresh context for it. */
    @FunctionalInterface
    interface Action {
        StepOutcome run(RunningStepContext context) throws Exception;
    }

    /** Told about each attempt so it can be recorded. */
    interface AttemptListener {
        void attemptFailed(int attempt, int maxAttempts, String reason, Map<String, Object> evidence);
    }

    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private final Duration graceAfterTimeout;

    private final ExecutorService workers = Executors.newCachedThreadPool(DaemonThreads.numbered("step-worker-"));

    StepAttempts(@Value("${cutover.steps.grace-after-timeout:10s}") Duration graceAfterTimeout) {
        this.graceAfterTimeout = graceAfterTimeout;
    }

    Result run(int retries, java.util.function.Supplier<RunningStepContext> contexts, Action action,
               AttemptListener listener) {
        int maxAttempts = retries + 1;
        Result last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            RunningStepContext context = contexts.get();
            last = attempt(context, action, attempt);
            if (last.ending() != Ending.FAILED || last.stillRunning()) {
                return last;
            }
            if (attempt < maxAttempts) {
                listener.attemptFailed(attempt, maxAttempts, last.summary(), last.evidence());
                if (!backOff(context, attempt)) {
                    return new Result(Ending.STOPPED, "stopped while waiting to retry", last.evidence(), attempt);
                }
            }
        }
        return last;
    }

    private Result attempt(RunningStepContext context, Action action, int attempt) {
        CountDownLatch ended = new CountDownLatch(1);
        context.attemptStarted();
        Future<StepOutcome> future = workers.submit(() -> {
            try {
                return action.run(context);
            } finally {
                ended.countDown();
            }
        });
        try {
            StepOutcome outcome = future.get(context.timeout().toMillis(), TimeUnit.MILLISECONDS);
            Map<String, Object> evidence = new LinkedHashMap<>(context.redact(outcome.evidence()));
            evidence.put("timing", context.timing());
            return new Result(Ending.SUCCEEDED, context.redact(outcome.summary()), evidence, attempt);
        } catch (TimeoutException timedOut) {
            context.timeOut();
            future.cancel(true); // Future.isDone() is true from here on, whether the attempt stopped or not
            if (!awaitQuietly(ended)) {
                Result failed = failed(context, "step timed out after " + DurationText.of(context.timeout())
                        + " and did not stop within " + DurationText.of(graceAfterTimeout) + " of being told to; no retry "
                        + "was started beside it, and it may still take effect", Map.of("stillRunning", true), attempt);
                return new Result(failed.ending(), failed.summary(), failed.evidence(), attempt, true);
            }
            return failed(context, "step timed out after " + DurationText.of(context.timeout()) + " and was stopped",
                    Map.of(), attempt);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            return new Result(Ending.STOPPED, "interrupted", Map.of(), attempt);
        } catch (ExecutionException failure) {
            Throwable cause = failure.getCause();
            if (cause instanceof StepStoppedException stopped) {
                return new Result(Ending.STOPPED, context.redact(stopped.getMessage()), Map.of(), attempt);
            }
            if (cause instanceof StepFailedException failed) {
                return failed(context, failed.getMessage(), failed.evidence(), attempt);
            }
            return failed(context, FailureText.of(cause), Map.of(), attempt);
        }
    }

    private static Result failed(RunningStepContext context, String reason, Map<String, Object> evidence, int attempt) {
        Map<String, Object> safe = new LinkedHashMap<>(context.redact(evidence));
        safe.put("timing", context.timing());
        return new Result(Ending.FAILED, context.redact(reason), safe, attempt);
    }

    /** True when the attempt ended within the grace; its outcome no longer matters either way. */
    private boolean awaitQuietly(CountDownLatch ended) {
        try {
            return ended.await(graceAfterTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Sleeps before the next attempt; false when a stop was raised meanwhile. */
    private static boolean backOff(RunningStepContext context, int attempt) {
        long delay = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 10));
        long until = System.currentTimeMillis() + delay;
        while (System.currentTimeMillis() < until) {
            if (context.stopRequestedByOperator()) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !context.stopRequestedByOperator();
    }

    @Override
    public void destroy() {
        workers.shutdownNow();
    }
}
