package dev.cutover.cutover.execution;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Runs what the cutover module writes on behalf of a running step (progress, approval requests)
 * on its own threads. A step's thread is interrupted when its timeout is spent, and H2 closes its
 * database file when a thread is interrupted inside a write ("The database has been closed" until
 * a restart). The step waits for its write without giving way to the interrupt, then sees it.
 */
@Component
class StepBookkeeping implements DisposableBean {

    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService writers = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "step-bookkeeping-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    void run(Runnable write) {
        call(() -> {
            write.run();
            return null;
        });
    }

    <T> T call(Callable<T> write) {
        Future<T> written = writers.submit(write);
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
    }
}
