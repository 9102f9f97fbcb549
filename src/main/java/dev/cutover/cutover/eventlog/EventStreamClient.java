package dev.cutover.cutover.eventlog;

import dev.cutover.cutover.GateSamplesRecorded;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One open event stream: a bounded queue filled by whoever appends events, drained by the
 * client's own sender thread. Offering never blocks; a full queue drops the client (it comes back
 * with {@code Last-Event-ID}). Events at or below the last id sent are skipped, so the replay and
 * the live events never show one twice.
 */
final class EventStreamClient {

    private static final Object HEARTBEAT = new Object();
    private static final Object END = new Object();

    private final SseEmitter emitter;
    private final BlockingQueue<Object> queue;
    private final Consumer<EventStreamClient> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    private long lastSentId;

    EventStreamClient(SseEmitter emitter, int capacity, long afterEventId, Consumer<EventStreamClient> onClose) {
        this.emitter = emitter;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.lastSentId = afterEventId;
        this.onClose = onClose;
    }

    void offer(CutoverEvent event) {
        if (!closed.get() && !queue.offer(event)) {
            close(); // too far behind: a reconnect with Last-Event-ID catches up from the event log
        }
    }

    /**
     * A gate's new lag readings, queued like events (a client too far behind is dropped the same
     * way; on reconnect its page fetches the samples it missed). Sent without an SSE id, so
     * {@code Last-Event-ID} keeps naming the last event of the log.
     */
    void offerSamples(GateSamplesRecorded samples) {
        if (!closed.get() && !queue.offer(samples)) {
            close();
        }
    }

    void offerHeartbeat() {
        if (!closed.get()) {
            queue.offer(HEARTBEAT); // a full queue needs no heartbeat
        }
    }

    /** Runs on the client's sender thread until the stream ends: the replay first, then live events. */
    void deliver(Supplier<List<CutoverEvent>> replay) {
        try {
            for (CutoverEvent event : replay.get()) {
                send(event);
            }
            while (!closed.get()) {
                Object next = queue.take();
                if (next == END) {
                    break;
                }
                if (next == HEARTBEAT) {
                    emitter.send(SseEmitter.event().name("heartbeat").data(java.time.Instant.now().toString()));
                } else if (next instanceof GateSamplesRecorded samples) {
                    emitter.send(SseEmitter.event().name("gate-sample").data(samples));
                } else {
                    send((CutoverEvent) next);
                }
            }
        } catch (IOException | IllegalStateException gone) {
            // The container learns of the failed write itself and ends the request; completing the
            // emitter now would touch a response it may already have recycled for another request.
            CutoverEventStream.debugGone("send failed", gone instanceof IOException io ? io : new IOException(gone));
            gone();
            return;
        } catch (InterruptedException shutdown) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException unexpected) {
            // e.g. the replay's read of the event log failed: end this stream, the client reconnects
            CutoverEventStream.debugGone("delivery failed", new IOException(unexpected));
        }
        close();
    }

    private void send(CutoverEvent event) throws IOException {
        if (event.id() <= lastSentId) {
            return;
        }
        emitter.send(SseEmitter.event().id(Long.toString(event.id())).name("cutover-event").data(event));
        lastSentId = event.id();
    }

    /** Ends the stream and its HTTP request (so a shutdown never waits for it); idempotent. */
    void close() {
        if (stop()) {
            try {
                emitter.complete();
            } catch (RuntimeException alreadyGone) {
                // the container finished the request already
            }
        }
    }

    /** The container ended the request (completion, timeout, error) or a write failed: stop, touch nothing. */
    void gone() {
        stop();
    }

    private boolean stop() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        onClose.accept(this);
        queue.clear();
        queue.offer(END);
        return true;
    }
}
