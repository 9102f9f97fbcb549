package dev.cutover.storage.plan;

import dev.cutover.DaemonThreads;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads another iterator ahead on its own thread into a bounded queue, so the listings of a plan
 * (each paged requests to a store) are fetched at the same time rather than one after the other.
 * Memory stays bounded by the queue; a failure of the listing surfaces on {@link #next()}. An
 * iterator that is {@link AutoCloseable} is closed by that thread when it ends, fails or is closed,
 * so its listing is never closed while the thread still uses it.
 */
final class PrefetchingIterator<T> implements Iterator<T>, AutoCloseable {

    private static final Object END = new Object();

    private final BlockingQueue<Object> queue;
    private final Thread reader;
    private Object next;

    PrefetchingIterator(Iterator<T> source, int capacity, String name) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.reader = DaemonThreads.named(name).newThread(() -> {
            try {
                while (source.hasNext()) {
                    queue.put(source.next());
                }
                queue.put(END);
            } catch (InterruptedException closed) {
                Thread.currentThread().interrupt();
            } catch (Throwable failure) {
                // Any throwable, Errors included: the consumer blocks on the queue until told how it ended.
                queue.clear();
                queue.offer(new Failure(failure));
            } finally {
                release(source);
            }
        });
        reader.start();
    }

    private record Failure(Throwable cause) {

        /** Rethrows the listing's failure as it was (an Error stays an Error); a checked one is wrapped. */
        RuntimeException rethrow() {
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("listing failed: " + cause.getMessage(), cause);
        }
    }

    private static void release(Iterator<?> source) {
        if (source instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // the listing is done with; a failure to close it changes nothing read
            }
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading a listing", e);
            }
        }
        if (next instanceof Failure failure) {
            throw failure.rethrow();
        }
        return next != END;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T item = (T) next;
        next = null;
        return item;
    }

    /** Stops the reading thread (which then closes the iterator it reads); does not wait for it. */
    @Override
    public void close() {
        reader.interrupt();
    }
}
