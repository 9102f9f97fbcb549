package dev.cutover.cutover.execution;

import dev.cutover.DaemonThreads;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Runs what the cutover module writes on behalf of a running step (progress, approval requests)
 * on its own threads. A step's thread is interrupted when its timeout is spent, and H2 closes its
 * database file when a thread is interrupted inside a write ("The database has been closed" until
 * a restart). The step waits for its write without giving way to the interrupt, then sees it.
 * <p>
 * Notes (progress, gate samples) are only posted: the step goes on while one thread writes them in
 * the order they came (of a step's progress, only the newest unwritten one). Inside the write window each
 * note the step waited for cost it 2-8 ms. Every other write of a step, and the step's end, first waits
 * for that step's notes posted before it, so a late note never overwrites an approval request or the
 * step's outcome; notes of other steps and cutovers queued ahead are not waited for.
 */
@Component
class StepBookkeeping implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(StepBookkeeping.class);

    private final ExecutorService writers =
            Executors.newFixedThreadPool(2, DaemonThreads.numbered("step-bookkeeping-"));
    /** Notes waiting to be written, at most; a step posting faster than they are written waits for room. */
    static final int MAX_WAITING_NOTES = 1_000;
    private final ThreadPoolExecutor notes = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(MAX_WAITING_NOTES), DaemonThreads.named("step-notes"),
            StepBookkeeping::waitForRoom);
    /** The newest unwritten note by key: a progress note not yet written is replaced by the next one. */
    private final Map<String, Runnable> newest = new ConcurrentHashMap<>();

    /**
     * Per step (cutover/step) with notes on the queue: how many were posted and how many are written (or
     * dropped) so far, {posted, finished}; removed when they are equal. Guarded by {@code this}.
     */
    private final Map<String, long[]> counts = new java.util.HashMap<>();

    /**
     * Writes a note of {@code step} (cutover id / step id) later, in order with the notes posted before it; a
     * note that cannot be written is logged.
     */
    void post(String step, String what, Runnable write) {
        enqueue(step, logged(what, write));
    }

    /**
     * As {@link #post}, but only the newest note of a key is written: a step reporting progress faster
     * than it is stored (a tight loop) replaces its unwritten note instead of queueing every one of them,
     * and its end never waits for thousands of notes nobody would see.
     */
    void postNewest(String step, String key, String what, Runnable write) {
        if (newest.put(key, logged(what, write)) == null) {
            enqueue(step, () -> {
                Runnable note = newest.remove(key);
                if (note != null) {
                    note.run();
                }
            });
        }
    }

    private void enqueue(String step, Runnable note) {
        synchronized (this) {
            counts.computeIfAbsent(step, key -> new long[2])[0]++;
        }
        notes.execute(new Counted(this, step, note));
    }

    /** A note on the queue, counted for its step until it is written or dropped. */
    private record Counted(StepBookkeeping owner, String step, Runnable note) implements Runnable {

        @Override
        public void run() {
            try {
                note.run();
            } finally {
                owner.finished(step);
            }
        }
    }

    private synchronized void finished(String step) {
        long[] count = counts.get(step);
        if (count != null && ++count[1] >= count[0]) {
            counts.remove(step);
        }
        notifyAll();
    }

    private static Runnable logged(String what, Runnable write) {
        return () -> {
            try {
                write.run();
            } catch (RuntimeException e) {
                log.warn("Could not store {}: {}", what, e.toString());
            }
        };
    }

    /** A full queue: the poster waits for room; a poster interrupted meanwhile (its step timing out) drops the note. */
    private static void waitForRoom(Runnable note, ThreadPoolExecutor pool) {
        if (!pool.isShutdown()) {
            try {
                pool.getQueue().put(note);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (note instanceof Counted counted) {
            counted.owner().finished(counted.step()); // dropped: nobody waits for it
        }
    }

    /**
     * Returns once every note of {@code step} posted so far is written (or given up): a step's end waits
     * for its own notes, not for those of the other steps and cutovers on the queue before them, nor for
     * notes posted after the call (an attempt that timed out and goes on reporting).
     */
    void awaitPosted(String step) {
        boolean interrupted = false;
        synchronized (this) {
            long[] count = counts.get(step);
            long posted = count == null ? 0 : count[0];
            // Notes are written in the order posted (one thread), so the count finished reaches a number only
            // once every note posted before it is written; a note dropped unwritten counts as finished.
            while (counts.get(step) == count && count != null && count[1] < posted && !notes.isShutdown()) {
                try {
                    wait(1000); // woken by each note written; the timeout only re-checks a shutdown
                } catch (InterruptedException e) {
                    interrupted = true; // the notes are short and must be written; the step sees its interrupt afterwards
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    void run(String step, Runnable write) {
        call(step, () -> {
            write.run();
            return null;
        });
    }

    /** A write of {@code step}'s own, after the step's notes posted before it. */
    <T> T call(String step, Callable<T> write) {
        awaitPosted(step);
        return await(writers.submit(write));
    }

    private static <T> T await(Future<T> written) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return written.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the write is short and must finish; the step sees its interrupt afterwards
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void destroy() {
        writers.shutdownNow();
        notes.shutdownNow();
    }
}
