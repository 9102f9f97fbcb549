package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.storage.Crc32c;
import dev.cutover.storage.ForwardingObjectStore;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.StoredObject;
import dev.cutover.storage.SyncMode;
import dev.cutover.storage.SyncSpec;
import dev.cutover.storage.filesystem.FilesystemObjectStore;
import dev.cutover.storage.plan.Difference;
import dev.cutover.storage.plan.PlannedObject;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * A resumed run counts an object its cut-off chunk had copied as copied by the run, by the target's
 * modification time. S3 answers a HEAD with a Last-Modified of whole seconds: an object put 200 ms
 * after the run started, in the same second, reads as older than the run. Seen in CI (a fast machine):
 * S3PeerKilledMidSyncTests' resumed run counted 295 of 300 objects as copied.
 */
class SyncPlanReaderTest {

    private static final Instant RUN_STARTED = Instant.parse("2026-12-03T20:17:41.700Z");

    @TempDir
    Path dir;

    @Test
    void anObjectTheCutOffChunkCopiedInTheRunsFirstSecondCountsAsCopiedWhenTheTargetTellsWholeSeconds() {
        byte[] data = "copied 200 ms after the run started".getBytes();
        ObjectStore source = new FilesystemObjectStore(dir.resolve("source"));
        ObjectStore target = new WholeSeconds(new FilesystemObjectStore(dir.resolve("target")),
                Instant.parse("2026-12-03T20:17:41.900Z"));
        for (ObjectStore store : List.of(source, target)) {
            store.put("img/0101.bin", new ByteArrayInputStream(data), data.length, PutOptions.withChecksum(Crc32c.of(data)));
        }
        ExecutorService lookups = Executors.newFixedThreadPool(2);
        SyncSpec spec = new SyncSpec("r", "local", "src", "b", "", "s3", "b", "", SyncMode.FULL, List.of(), List.of(),
                false, 0, 2, 1);
        SyncPlanReader reader = new SyncPlanReader(spec, source, target, lookups, RUN_STARTED, 1, null);
        ExecutionContext resumedAfterTheFirstChunk = new ExecutionContext();
        resumedAfterTheFirstChunk.putString(SyncPlanReader.LAST_KEY, "img/0099.bin");
        reader.open(resumedAfterTheFirstChunk);
        try {
            PlannedObject read = reader.read();
            assertThat(read).as("the object the cut-off chunk copied, handed to the writer to be counted").isNotNull();
            assertThat(read.difference()).isEqualTo(Difference.UNCHANGED);
            assertThat(read.key()).isEqualTo("img/0101.bin");
        } finally {
            reader.close();
        }
    }

    /** A target whose listing and stat tell the time an object was put in whole seconds, as S3's HEAD does. */
    private static final class WholeSeconds extends ForwardingObjectStore {

        private final Instant put;

        WholeSeconds(ObjectStore delegate, Instant put) {
            super(delegate);
            this.put = put.truncatedTo(ChronoUnit.SECONDS);
        }

        @Override
        public Stream<StoredObject> list(String prefix, String startAfter) {
            return delegate.list(prefix, startAfter).map(this::putThen);
        }

        @Override
        public Optional<StoredObject> stat(String key) {
            return delegate.stat(key).map(this::putThen);
        }

        private StoredObject putThen(StoredObject o) {
            return new StoredObject(o.key(), o.size(), o.crc32c(), o.md5(), o.generation(), put, o.metadata());
        }
    }
}
