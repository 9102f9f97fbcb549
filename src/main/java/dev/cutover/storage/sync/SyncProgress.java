package dev.cutover.storage.sync;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Bytes streamed by copies of the current chunk, per run: the manifest counts a chunk once it
 * commits; live progress adds what is on the wire now. Bytes of a failed attempt are taken back.
 */
@Component
public class SyncProgress {

    private final Map<Long, AtomicLong> inFlight = new ConcurrentHashMap<>();

    void streamed(long runId, long bytes) {
        inFlight.computeIfAbsent(runId, id -> new AtomicLong()).addAndGet(bytes);
    }

    void committed(long runId) {
        inFlight.remove(runId);
    }

    public long inFlightBytes(long runId) {
        AtomicLong bytes = inFlight.get(runId);
        return bytes == null ? 0 : Math.max(0, bytes.get());
    }
}
