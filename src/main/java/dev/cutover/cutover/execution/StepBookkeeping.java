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
 * the order they came (of a step's progress, only the newest unwritten one). Inside the write window each note the step waited for cost it 2-8 ms. Every
 * other write, and the step's end, first waits for the notes posted before it, so a late note never
 * overwrites an approval request or the step's outcome.
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

    /** Writes a note later, in order with the notes posted before it; a note that cannot be written is logged. */
    void post(String what, Runnable write) {
        notes.execute(logged(what, write));
    }

    /**
     * As {@link #post}, but only the newest note of a key is written: a step reporting progress faster
     * than it is stored (a tight loop) replaces its unwritten note instead of queueing every one of them,
     * and its end never waits for thousands of notes nobody would see.
     */
    void postNewest(String key, String what, Runnable write) {
        if (newest.put(key, logged(what, write)) == null) {
            notes.execute(() -> {
                Runnable note = newest.remove(key);
                if (note != null) {
                    note.run();
                }
            });
        }
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
        if (pool.isShutdown()) {
            return;
        }
        try {
            pool.getQueue().put(note);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Returns once every note posted so far is written (or given up). */
    void awaitPosted() {
        await(notes.submit(() -> null));
    }

    void run(Runnable write) {
        call(() -> {
            write.run();
            return null;
        });
    }

    <T> T call(Callable<T> write) {
        awaitPosted();
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
