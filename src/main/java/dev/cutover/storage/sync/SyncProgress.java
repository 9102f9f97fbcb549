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

    /** How long after its last back-off a run still counts as held: a few retries apart, then it moved on. */
    static final long HELD_FOR_MS = 15_000;

    private final Map<Long, AtomicLong> inFlight = new ConcurrentHashMap<>();
    private final Map<Long, Held> held = new ConcurrentHashMap<>();

    private record Held(String why, long atMillis) {
    }

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

    /** A copy of the run waits before its next attempt, and why (the store throttles, a transient failure). */
    void backingOff(long runId, String why) {
        held.put(runId, new Held(why, System.currentTimeMillis()));
    }

    /** Why the run's copies were held back in the last {@link #HELD_FOR_MS}; empty when they were not. */
    public java.util.Optional<String> heldBy(long runId) {
        Held last = held.get(runId);
        return last == null || System.currentTimeMillis() - last.atMillis() > HELD_FOR_MS ? java.util.Optional.empty()
                : java.util.Optional.of(last.why());
    }

    /** The run ended: nothing of it is in flight any more. */
    void ended(long runId) {
        inFlight.remove(runId);
        held.remove(runId);
    }

    public long inFlightBytes(long runId) {
        AtomicLong bytes = inFlight.get(runId);
        return bytes == null ? 0 : Math.max(0, bytes.get());
    }
}
