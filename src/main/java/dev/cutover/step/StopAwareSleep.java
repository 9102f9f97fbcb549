package dev.cutover.step;

import java.time.Duration;

/**
 * Sleeping inside a step without missing a stop: slices of at most 100 ms, then the stop flag
 * again. (Not the cutover's "pause" action, which stops a phase between steps.)
 */
public final class StopAwareSleep {

    private static final long SLICE_MS = 100;

    private StopAwareSleep() {
    }

    /**
     * Returns at {@code deadlineNanos} ({@link System#nanoTime()} time).
     *
     * @param during what the step was doing, for the message: "stopped on request while " + during
     * @throws StepStoppedException when a stop is requested or the thread is interrupted meanwhile
     */
    public static void until(long deadlineNanos, StepContext context, String during) throws StepStoppedException {
        until(deadlineNanos, context, during, "sleep: " + during);
    }

    /** {@link #until}, the time slept counted as a wait on {@code waitingOn} in the step's timing. */
    public static void until(long deadlineNanos, StepContext context, String during, String waitingOn)
            throws StepStoppedException {
        long started = System.nanoTime();
        try {
            long left;
            while ((left = deadlineNanos - System.nanoTime()) > 0) {
                if (context.stopRequested()) {
                    throw new StepStoppedException("stopped on request while " + during);
                }
                Thread.sleep(Math.max(1, Math.min(Duration.ofNanos(left).toMillis(), SLICE_MS)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepStoppedException("interrupted while " + during);
        } finally {
            context.waited(waitingOn, Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /** {@link #until} {@code duration} from now. */
    public static void sleep(Duration duration, StepContext context, String during) throws StepStoppedException {
        until(System.nanoTime() + duration.toNanos(), context, during);
    }
}
