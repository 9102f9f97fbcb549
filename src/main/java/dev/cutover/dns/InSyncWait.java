package dev.cutover.dns;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * How long a change may take to get in sync, and when to give up early because an operator paused
 * or aborted. How often to look is the adapter's business (a setting of the connection).
 */
public record InSyncWait(Duration timeout, BooleanSupplier stopRequested) {

    public InSyncWait {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the in-sync timeout must be positive");
        }
    }

    public static InSyncWait of(Duration timeout) {
        return new InSyncWait(timeout, () -> false);
    }

    /** Starts the clock: the adapters poll through it. */
    public Clock start(Duration pollEvery) {
        return new Clock(System.nanoTime() + timeout.toNanos(), pollEvery.toMillis());
    }

    /** One running wait. */
    public final class Clock {

        private final long deadline;
        private final long pollMillis;
        private final long started = System.nanoTime();
        private int polls;

        private Clock(long deadline, long pollMillis) {
            this.deadline = deadline;
            this.pollMillis = Math.max(1, pollMillis);
        }

        /** Counts a poll that found the change not in sync yet and sleeps until the next one. */
        public void notYet(String what) {
            polls++;
            if (stopRequested.getAsBoolean()) {
                throw new DnsException("stopped while waiting for " + what, true);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new DnsException(what + " not in sync after " + elapsedMillis() + " ms (" + polls + " polls)");
            }
            try {
                Thread.sleep(Math.max(1, Math.min(pollMillis, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DnsException("interrupted while waiting for " + what, true);
            }
        }

        public ChangeReceipt inSync(String changeId, String status) {
            return new ChangeReceipt(changeId, status, elapsedMillis(), polls + 1);
        }

        private long elapsedMillis() {
            return (System.nanoTime() - started) / 1_000_000;
        }
    }
}
