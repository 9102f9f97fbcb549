package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.storage.Crc32c;
import dev.cutover.storage.ForwardingObjectStore;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.filesystem.FilesystemObjectStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A throttled copy says why it waits, so the sync's live progress can name what holds it instead of a lying ETA. */
class ThrottledCopyTest {

    @Test
    void aThrottledCopyReportsItsBackOffAndTheRunCountsAsHeldUntilItEnds() throws Exception {
        ObjectStore source = new FilesystemObjectStore(Files.createTempDirectory("throttle-src-"));
        byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
        source.put("a/b.txt", new ByteArrayInputStream(data), data.length, PutOptions.withChecksum(Crc32c.of(data)));
        AtomicInteger puts = new AtomicInteger();
        ObjectStore slowingDown = new ForwardingObjectStore(new FilesystemObjectStore(Files.createTempDirectory("throttle-dst-"))) {
            @Override
            public dev.cutover.storage.StoredObject put(String key, InputStream in, long size, PutOptions options) {
                if (puts.incrementAndGet() == 1) {
                    throw new ObjectStoreException(ObjectStoreException.Reason.THROTTLED, "503 SlowDown");
                }
                return super.put(key, in, size, options);
            }
        };
        List<String> heard = new ArrayList<>();
        SyncProgress progress = new SyncProgress();

        ObjectCopier.Outcome outcome = new ObjectCopier(source, slowingDown).copy(source.stat("a/b.txt").orElseThrow(),
                bytes -> { }, why -> {
                    heard.add(why);
                    progress.backingOff(7, why);
                });

        assertThat(outcome.copied()).isTrue();
        assertThat(heard).containsExactly("throttled by the store on a/b.txt: attempt 2 of 6 in 200 ms");
        assertThat(progress.heldBy(7)).contains(heard.get(0));
        assertThat(progress.heldBy(8)).isEmpty();
        progress.ended(7);
        assertThat(progress.heldBy(7)).isEmpty();
    }
}
