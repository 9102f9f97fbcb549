package dev.cutover.storage.sync;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Bytes streamed by copies not yet counted in the manifest, per run: the manifest counts a chunk's
 * objects once it commits; live progress adds what is on the wire or copied ahead of its chunk. A
 * commit takes back exactly the bytes it counted (copies ahead of the next chunks stay in), and bytes
 * of a failed attempt are taken back when it fails, so the sum never counts a byte twice.
 */
@Component
public class SyncProgress {

    private final Map<Long, AtomicLong> inFlight = new ConcurrentHashMap<>();

    void streamed(long runId, long bytes) {
        inFlight.computeIfAbsent(runId, id -> new AtomicLong()).addAndGet(bytes);
    }

    /** {@code bytes} streamed by this process are now in the manifest. */
    void committed(long runId, long bytes) {
        AtomicLong streamed = inFlight.get(runId);
        if (streamed != null) {
            streamed.addAndGet(-bytes);
        }
    }

    /** The run ended: nothing of it is in flight any more. */
    void ended(long runId) {
        inFlight.remove(runId);
    }

    public long inFlightBytes(long runId) {
        AtomicLong bytes = inFlight.get(runId);
        return bytes == null ? 0 : Math.max(0, bytes.get());
    }
}
