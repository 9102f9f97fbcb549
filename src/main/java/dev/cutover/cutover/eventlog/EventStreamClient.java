package dev.cutover.cutover.eventlog;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One open event stream: a bounded queue of frames filled by whoever appends events, drained by the
 * client's own sender thread, which writes whatever has queued up in one write and one flush.
 * Offering never blocks; a full queue drops the client (it comes back with {@code Last-Event-ID}).
 * Log events already sent (or at or below the id the client came back with) are skipped, so the
 * replay and the live events never show one twice. Not by "at or below the last id sent": events
 * appended by another instance arrive a moment later, and ids do not commit in order.
 */
final class EventStreamClient {

    private static final SseFrame END = new SseFrame(0, new byte[0]);
    private static final int REPLAY_BATCH = 200;
    /** Events read from the log per query of a replay. */
    static final int REPLAY_PAGE = 500;
    /**
     * How long a sender waits after the first frame for more: a busy phase appends dozens of events a
     * second, and fifty screens woken and written to for each one cost the phase a third of its
     * speed on two cores (bench/dashboard.sh); the page sees an event at most this much later.
     */
    static final long LINGER_MILLIS = 40;
    private static final MediaType SSE_TEXT = new MediaType("text", "plain", java.nio.charset.StandardCharsets.UTF_8);

    private final SseEmitter emitter;
    private final BlockingQueue<SseFrame> queue;
    private final Consumer<EventStreamClient> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<String> audience;
    private final boolean wantsLiveParts;
    private final long afterEventId;
    /** Ids sent lately, oldest first; a few thousand are plenty to catch a replay overlapping live events. */
    private final java.util.LinkedHashSet<Long> sentIds = new java.util.LinkedHashSet<>();
    private static final int SENT_IDS_KEPT = 4096;

    /**
     * @param audience       the viewer's authorities, for live parts rendered per audience
     * @param wantsLiveParts a dashboard page: it gets the pushed live parts besides the log
     */
    EventStreamClient(SseEmitter emitter, int capacity, long afterEventId, Set<String> audience, boolean wantsLiveParts,
                      Consumer<EventStreamClient> onClose) {
        this.emitter = emitter;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.afterEventId = afterEventId;
        this.audience = Set.copyOf(audience);
        this.wantsLiveParts = wantsLiveParts;
        this.onClose = onClose;
    }

    Set<String> audience() {
        return audience;
    }

    boolean wantsLiveParts() {
        return wantsLiveParts;
    }

    void offer(SseFrame frame) {
        if (!closed.get() && !queue.offer(frame)) {
            close(); // too far behind: a reconnect with Last-Event-ID catches up from the event log
        }
    }

    /** A frame that may be left out when the queue is full (a heartbeat, live parts sent again later). */
    void offerIfRoom(SseFrame frame) {
        if (!closed.get()) {
            queue.offer(frame);
        }
    }

    /**
     * Runs on the client's sender thread until the stream ends: the replay first, a page at a time,
     * each page written before the next is read (a backlog of 100,000 events is never in memory at
     * once, and no database connection is held while a slow client takes a page), then live frames.
     */
    void deliver(LongFunction<List<SseFrame>> replayPageAfter) {
        try {
            List<SseFrame> page;
            long after = afterEventId;
            do {
                page = replayPageAfter.apply(after);
                for (int from = 0; from < page.size(); from += REPLAY_BATCH) {
                    send(page.subList(from, Math.min(page.size(), from + REPLAY_BATCH)));
                }
                if (!page.isEmpty()) {
                    after = page.get(page.size() - 1).id();
                }
            } while (page.size() == REPLAY_PAGE && !closed.get());
            List<SseFrame> batch = new ArrayList<>();
            while (!closed.get()) {
                batch.add(queue.take());
                Thread.sleep(LINGER_MILLIS); // a burst of events goes out in one write, one wake-up of the page
                queue.drainTo(batch);
                boolean end = batch.removeIf(frame -> frame == END);
                send(batch);
                batch.clear();
                if (end) {
                    break;
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

    private void send(List<SseFrame> frames) throws IOException {
        // The frames' bytes as they are, copied once into one array of the right size: the text of a
        // replay's batch of 200 frames, built, copied and encoded again per client, was most of the
        // garbage of ten replays in bench/load.sh (young collections every second, each pausing every request).
        List<SseFrame> fresh = new ArrayList<>(frames.size());
        int length = 0;
        for (SseFrame frame : frames) {
            if (frame.id() > 0) {
                if (frame.id() <= afterEventId || !sentIds.add(frame.id())) {
                    continue;
                }
                if (sentIds.size() > SENT_IDS_KEPT) {
                    sentIds.remove(sentIds.iterator().next());
                }
            }
            fresh.add(frame);
            length += frame.bytes().length;
        }
        if (length == 0) {
            return;
        }
        byte[] bytes = new byte[length];
        int at = 0;
        for (SseFrame frame : fresh) {
            System.arraycopy(frame.bytes(), 0, bytes, at, frame.bytes().length);
            at += frame.bytes().length;
        }
        emitter.send(Set.of(new DataWithMediaType(bytes, SSE_TEXT)));
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
