package dev.cutover.storage.sync;

import dev.cutover.storage.Crc32c;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.ObjectStoreException.Reason;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.StoredObject;
import dev.cutover.storage.SyncMetadata;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Copies one object from source to target, streaming: the bytes are read from the source
 * generation that was planned (a newer generation fails the read, and the object is re-queued
 * with its new generation rather than half-copied) and put with the source's CRC32C declared, so
 * the target refuses corrupt bytes. Throttling and transient failures back off and retry.
 */
public final class ObjectCopier {

    /**
     * How one copy ended.
     *
     * @param unreachable set when a store stopped answering at all (connection refused, unknown host): not a
     *                    failure of this object but of the run, which every other copy would meet too
     */
    public record Outcome(boolean copied, long bytes, int requeued, String failure, Unreachable unreachable) {

        public Outcome(boolean copied, long bytes, int requeued, String failure) {
            this(copied, bytes, requeued, failure, null);
        }
    }

    /** A store that does not answer: the target, or the source, and the failure that says so. */
    public record Unreachable(boolean target, RuntimeException failure) {
    }

    static final int MAX_ATTEMPTS = 6;
    static final int MAX_REQUEUES = 3;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

    private final ObjectStore source;
    private final ObjectStore target;

    public ObjectCopier(ObjectStore source, ObjectStore target) {
        this.source = source;
        this.target = target;
    }

    /** Copies {@code planned}; {@code progress} hears every chunk of bytes moved. Never throws for one object. */
    public Outcome copy(StoredObject planned, LongConsumer progress) {
        return copy(planned, progress, why -> { });
    }

    /**
     * As {@link #copy(StoredObject, LongConsumer)}; {@code backingOff} hears why a copy waits before its
     * next attempt (the store throttles, or a transient failure), so live progress can say why bytes
     * stopped moving instead of showing an ETA that lies.
     */
    public Outcome copy(StoredObject planned, LongConsumer progress, Consumer<String> backingOff) {
        return copy(planned, progress, backingOff, () -> false);
    }

    /**
     * As {@link #copy(StoredObject, LongConsumer, Consumer)}; no attempt starts once {@code stopped} says
     * so: a stopped run must not go on putting objects through its retries (an interrupt alone may be
     * swallowed by the store's client).
     */
    public Outcome copy(StoredObject planned, LongConsumer progress, Consumer<String> backingOff, BooleanSupplier stopped) {
        StoredObject object = planned;
        int requeued = 0;
        String lastFailure = null;
        Reason lastReason = Reason.TRANSIENT;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (stopped.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                return new Outcome(false, 0, requeued, "stopped before attempt " + attempt + " of " + object.key());
            }
            if (object.crc32c() == null) {
                return new Outcome(false, 0, requeued, "source has no CRC32C: the copy could not be verified end to end");
            }
            long[] streamed = { 0 };
            boolean[] atTarget = { false };
            LongConsumer attemptProgress = bytes -> {
                streamed[0] += bytes;
                progress.accept(bytes);
            };
            try {
                copyOnce(object, attemptProgress, atTarget);
                return new Outcome(true, object.size(), requeued, null);
            } catch (ObjectStoreException e) {
                progress.accept(-streamed[0]); // live progress counts only bytes that stay copied
                lastFailure = e.reason() + ": " + e.getMessage();
                if (StoreProblem.unreachable(e)) {
                    // The store's client already retried its connection (the connection's maxAttempts); more
                    // attempts here would only hold the run while every other copy meets the same refusal.
                    return new Outcome(false, 0, requeued, lastFailure, new Unreachable(atTarget[0], e));
                }
                lastReason = e.reason();
                if (e.reason() == Reason.PRECONDITION_FAILED && requeued < MAX_REQUEUES) {
                    Optional<StoredObject> current = source.stat(object.key());
                    if (current.isEmpty()) {
                        return new Outcome(false, 0, requeued, "deleted on the source during the sync");
                    }
                    object = current.get();
                    requeued++;
                    attempt--; // a re-queue is not a failed attempt
                    continue;
                }
                if (e.reason() == Reason.NOT_FOUND) {
                    return new Outcome(false, 0, requeued, "deleted on the source during the sync");
                }
                if (!e.reason().retryable() && e.reason() != Reason.CHECKSUM_MISMATCH) {
                    return new Outcome(false, 0, requeued, lastFailure);
                }
                if (e.reason() == Reason.CHECKSUM_MISMATCH && attempt >= 2) {
                    return new Outcome(false, 0, requeued, lastFailure);
                }
            } catch (UncheckedIOException e) {
                progress.accept(-streamed[0]);
                lastFailure = "TRANSIENT: " + e.getMessage();
                lastReason = Reason.TRANSIENT;
            }
            Duration backoff = FIRST_BACKOFF.multipliedBy(1L << (attempt - 1));
            if (attempt < MAX_ATTEMPTS) {
                backingOff.accept((lastReason == Reason.THROTTLED ? "throttled by the store" : "a transient store failure")
                        + " on " + object.key() + ": attempt " + (attempt + 1) + " of " + MAX_ATTEMPTS + " in "
                        + backoff.toMillis() + " ms");
            }
            if (!sleep(backoff)) {
                return new Outcome(false, 0, requeued, "interrupted");
            }
        }
        return new Outcome(false, 0, requeued, "gave up after " + MAX_ATTEMPTS + " attempts: " + lastFailure);
    }

    private void copyOnce(StoredObject object, LongConsumer progress, boolean[] atTarget) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(SyncMetadata.SOURCE_CRC32C, object.crc32c());
        metadata.put(SyncMetadata.SOURCE_GENERATION, object.generation());
        try (InputStream in = source.open(object.key(), null, object.generation())) {
            Crc32c.Computing read = new Crc32c.Computing(new Counting(in, progress));
            atTarget[0] = true;
            StoredObject written = target.put(object.key(), read, object.size(), new PutOptions(object.crc32c(), metadata, null));
            if (read.count() != object.size() || !object.crc32c().equals(read.crc32c())) {
                // The store accepted bytes that do not match the source: never leave them looking copied.
                target.delete(object.key());
                throw new ObjectStoreException(Reason.CHECKSUM_MISMATCH, object.key() + ": read " + read.count()
                        + " bytes with CRC32C " + read.crc32c() + ", source says " + object.size() + " bytes, "
                        + object.crc32c());
            }
            // The target accepted these bytes with the CRC32C it was sent and checked: a later verification
            // need not ask it again while its listing shows this very version.
            TargetVersions.shared().remember(target, written);
        } catch (IOException e) {
            throw new ObjectStoreException(Reason.TRANSIENT, object.key() + ": " + e.getMessage(), e);
        }
    }

    private static boolean sleep(Duration duration) {
        try {
            Thread.sleep(Math.min(duration.toMillis(), 10_000));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Reports bytes as they stream through, for live progress. */
    private static final class Counting extends FilterInputStream {

        private final LongConsumer progress;

        Counting(InputStream in, LongConsumer progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                progress.accept(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                progress.accept(n);
            }
            return n;
        }
    }
}
