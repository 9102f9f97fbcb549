package dev.cutover.cutover.execution;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
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
 * the order they came. Inside the write window each note the step waited for cost it 2-8 ms. Every
 * other write, and the step's end, first waits for the notes posted before it, so a late note never
 * overwrites an approval request or the step's outcome.
 */
@Component
class StepBookkeeping implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(StepBookkeeping.class);

    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService writers = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "step-bookkeeping-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private final ExecutorService notes = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "step-notes");
        thread.setDaemon(true);
        return thread;
    });

    /** Writes a note later, in order with the notes posted before it; a note that cannot be written is logged. */
    void post(String what, Runnable write) {
        notes.execute(() -> {
            try {
                write.run();
            } catch (RuntimeException e) {
                log.warn("Could not store {}: {}", what, e.toString());
            }
        });
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
