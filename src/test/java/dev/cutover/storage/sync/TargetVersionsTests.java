package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.storage.Crc32c;
import dev.cutover.storage.ForwardingObjectStore;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.StoredObject;
import dev.cutover.storage.filesystem.FilesystemObjectStore;
import dev.cutover.storage.plan.KeyFilter;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A final sync's verification compares both listings completely but stats (HEADs) only the target
 * objects whose version it has not seen: here a target whose listing carries no CRC32C (as S3's
 * does not) and counts its stats.
 */
class TargetVersionsTests {

    private final ExecutorService lookups = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        lookups.shutdownNow();
    }

    /** A target listed without CRC32C, each listed version marked with {@code version}; counts its stats. */
    private static final class S3LikeTarget extends ForwardingObjectStore {
        final AtomicInteger stats = new AtomicInteger();
        volatile String version = "v1";

        S3LikeTarget(ObjectStore store) {
            super(store);
        }

        @Override
        public Stream<StoredObject> list(String prefix, String startAfter) {
            return super.list(prefix, startAfter).map(o -> new StoredObject(o.key(), o.size(), null, null,
                    version, o.updated(), o.metadata()));
        }

        @Override
        public Optional<StoredObject> stat(String key) {
            stats.incrementAndGet();
            return super.stat(key).map(o -> new StoredObject(o.key(), o.size(), o.crc32c(), o.md5(), version,
                    o.updated(), o.metadata()));
        }

        @Override
        public String describe() {
            return "s3-like:" + super.describe();
        }
    }

    @Test
    void aSecondVerificationStatsOnlyWhatChangedAndStillComparesEveryObject() throws Exception {
        ObjectStore source = new FilesystemObjectStore(Files.createTempDirectory("versions-src-"));
        S3LikeTarget target = new S3LikeTarget(new FilesystemObjectStore(Files.createTempDirectory("versions-dst-")));
        for (String key : new String[] {"a", "b", "c"}) {
            byte[] data = (key + " bytes").getBytes();
            for (ObjectStore store : new ObjectStore[] {source, target}) {
                store.put(key, new ByteArrayInputStream(data), data.length, PutOptions.withChecksum(Crc32c.of(data)));
            }
        }

        SyncVerifier.Result first = SyncVerifier.verify(source, target, KeyFilter.all(), lookups, m -> { });
        assertThat(first.clean()).isTrue();
        assertThat(target.stats).as("nothing remembered yet: every target object stat-ed").hasValue(3);

        SyncVerifier.Result second = SyncVerifier.verify(source, target, KeyFilter.all(), lookups, m -> { });
        assertThat(second.clean()).isTrue();
        assertThat(second.sourceObjects()).as("still every object compared").isEqualTo(3);
        assertThat(target.stats).as("the same versions: no stat").hasValue(3);

        target.version = "v2"; // every object rewritten since
        byte[] other = "b BYTES".getBytes();
        target.put("b", new ByteArrayInputStream(other), other.length, PutOptions.withChecksum(Crc32c.of(other)));
        java.util.List<SyncRunRepository.Mismatch> found = new java.util.ArrayList<>();
        SyncVerifier.Result third = SyncVerifier.verify(source, target, KeyFilter.all(), lookups, found::add);
        assertThat(target.stats).as("changed versions are stat-ed again").hasValue(6);
        assertThat(third.clean()).isFalse();
        assertThat(found).singleElement().satisfies(m -> assertThat(m.kind()).isEqualTo(SyncVerifier.CHECKSUM));
    }

    @Test
    void theMemoryIsCapped() {
        TargetVersions versions = new TargetVersions(2);
        ObjectStore store = new ForwardingObjectStore(null) {
            @Override
            public String describe() {
                return "capped";
            }
        };
        for (String key : new String[] {"a", "b", "c"}) {
            versions.remember(store, new StoredObject(key, 1, "AAAAAA==", null, "g", null, null));
        }
        assertThat(versions.size()).isEqualTo(2);
        assertThat(versions.known(store, new StoredObject("a", 1, null, null, "g", null, null))).as("least recently used went")
                .isEmpty();
        assertThat(versions.known(store, new StoredObject("c", 1, null, null, "g", null, null))).isPresent();
    }
}
