package dev.cutover.cutover.eventlog;

import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * Reads of the event log that take long, a few at a time: a page of a stream's replay. Ten screens
 * replaying 100,000 events each (and the first counts of ten archived cutovers, before the totals were
 * kept in a row of their own) held every connection of the pool (10) and both cores in bench/load.sh while the
 * API's short queries waited for a connection (p99 of a GET over a second). Each read waits for a
 * permit, given in arrival order and back after that read, so replays interleave and each advances;
 * writing a replayed page to its client happens outside, so a slow client holds no permit.
 */
@Component
class LongReads {

    /** Long reads at once: one core's worth on the two cores of the reference machine; the pool keeps the rest. */
    static final int AT_ONCE = 2;

    private final Semaphore permits = new Semaphore(AT_ONCE, true);

    /** The read's result; an interrupt while waiting (a shutdown) cancels it, the interrupt kept. */
    <T> T read(Supplier<T> read) {
        try {
            permits.acquire();
        } catch (InterruptedException shutdown) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting to read the event log");
        }
        try {
            return read.get();
        } finally {
            permits.release();
        }
    }
}
