package dev.cutover.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.storage.ByteRange;
import dev.cutover.storage.Crc32c;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.ObjectStoreException.Reason;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.StoredObject;
import dev.cutover.storage.SyncMetadata;
import dev.cutover.storage.filesystem.FilesystemObjectStore;
import dev.cutover.storage.gcs.FakeGcsServer.RequestKind;
import dev.cutover.storage.sync.ObjectCopier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the GCS adapter does beyond the contract, against the fake: GCS's own features and failures. */
class GcsObjectStoreTests {

    private static FakeGcsServer fake;

    private GcsSettings settings;
    private GcsObjectStore store;

    @BeforeAll
    static void startFake() {
        fake = new FakeGcsServer().start();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @BeforeEach
    void openStore() {
        settings = GcsTestStores.newBucket(fake, "adapter");
        store = GcsObjectStores.open(settings);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void describesItselfAsAGcsUrl() {
        assertThat(store.describe()).isEqualTo("gcs://" + settings.bucket() + "/");
        try (GcsObjectStore prefixed = GcsObjectStores.open(settings.with(s -> s.prefix("/assets")))) {
            assertThat(prefixed.describe()).isEqualTo("gcs://" + settings.bucket() + "/assets/");
        }
    }

    @Test
    void keysAreRelativeToThePrefix() {
        try (GcsObjectStore prefixed = GcsObjectStores.open(settings.with(s -> s.prefix("assets")))) {
            put(prefixed, "img/a.png", bytes(10, 1));
            fake.put(settings.bucket(), "assets-other/b", bytes(3, 2), Map.of());
            fake.put(settings.bucket(), "outside", bytes(3, 3), Map.of());

            assertThat(fake.get(settings.bucket(), "assets/img/a.png")).isEqualTo(bytes(10, 1));
            assertThat(prefixed.stat("img/a.png")).isPresent();
            try (Stream<StoredObject> listed = prefixed.list("", null)) {
                assertThat(listed.map(StoredObject::key)).containsExactly("img/a.png");
            }
        }
    }

    @Test
    void listingsCarryChecksumsGenerationsAndMetadata() {
        byte[] data = bytes(100, 4);
        long generation = fake.put(settings.bucket(), "k", data, Map.of(SyncMetadata.SOURCE_GENERATION, "7"));

        try (Stream<StoredObject> listed = store.list("", null)) {
            StoredObject object = listed.findFirst().orElseThrow();
            assertThat(object.crc32c()).isEqualTo(Crc32c.of(data));
            assertThat(object.md5()).isNotBlank();
            assertThat(object.generation()).isEqualTo(Long.toString(generation));
            assertThat(object.updated()).isNotNull();
            assertThat(object.metadata()).containsEntry(SyncMetadata.SOURCE_GENERATION, "7");
        }
        assertThat(store.stat("k").orElseThrow().md5()).isEqualTo(
                store.list("", null).findFirst().orElseThrow().md5());
    }

    @Test
    void anObjectWithoutCrc32cListsAndStatsWithANullChecksum() {
        fake.put(settings.bucket(), "legacy", bytes(50, 5), Map.of());
        fake.omitCrc32c(settings.bucket(), "legacy");

        try (Stream<StoredObject> listed = store.list("", null)) {
            assertThat(listed.toList()).singleElement().satisfies(object -> {
                assertThat(object.crc32c()).isNull();
                assertThat(object.md5()).isNotNull();
            });
        }
        assertThat(store.stat("legacy").orElseThrow().crc32c()).isNull();
    }

    @Test
    void theListingIsFetchedPageByPageAsTheStreamIsConsumed() {
        for (int i = 0; i < 1200; i++) {
            fake.put(settings.bucket(), String.format("p/%04d", i), new byte[] {1}, Map.of());
        }
        long before = fake.requestCount(RequestKind.LIST);
        try (Stream<StoredObject> listed = store.list("p/", null)) {
            assertThat(fake.requestCount(RequestKind.LIST)).as("nothing fetched before the stream is pulled")
                    .isEqualTo(before);
            assertThat(listed.limit(10).count()).isEqualTo(10);
            assertThat(fake.requestCount(RequestKind.LIST)).isEqualTo(before + 1);
        }
        try (Stream<StoredObject> listed = store.list("p/", "p/0499")) {
            assertThat(listed.findFirst()).map(StoredObject::key).hasValue("p/0500");
        }
        try (Stream<StoredObject> listed = store.list("p/", null)) {
            assertThat(listed.count()).isEqualTo(1200);
        }
    }

    @Test
    void injected503sOnListingAreRetriedByTheClient() {
        for (String key : List.of("a", "b", "c")) {
            fake.put(settings.bucket(), key, new byte[] {1}, Map.of());
        }
        long before = fake.requestCount(RequestKind.LIST);
        fake.failNextRequests(RequestKind.LIST, 2, 503);

        try (Stream<StoredObject> listed = store.list("", null)) {
            assertThat(listed.map(StoredObject::key)).containsExactly("a", "b", "c");
        }
        assertThat(fake.requestCount(RequestKind.LIST) - before).isEqualTo(3);
    }

    @Test
    void injected503sOnReadingAreRetriedByTheClient() {
        byte[] data = bytes(300_000, 6);
        fake.put(settings.bucket(), "flaky", data, Map.of());
        long before = fake.requestCount(RequestKind.GET_MEDIA);
        fake.failNextRequests(RequestKind.GET_MEDIA, 2, 503);

        assertThat(read(store.open("flaky", null, null))).isEqualTo(data);
        assertThat(fake.requestCount(RequestKind.GET_MEDIA) - before).isEqualTo(3);
    }

    @Test
    void injected503sDuringAResumableUploadAreRetriedByTheClient() {
        byte[] data = bytes((int) GcsTestStores.UPLOAD_CHUNK_SIZE + 1000, 7);
        fake.failNextRequests(RequestKind.UPLOAD, 1, 503);

        StoredObject put = put(store, "big", data);

        assertThat(fake.get(settings.bucket(), "big")).isEqualTo(data);
        assertThat(put.crc32c()).isEqualTo(Crc32c.of(data));
    }

    @Test
    void aSourceRewrittenBetweenStatAndOpenFailsOpenAsPreconditionFailed() {
        fake.put(settings.bucket(), "moving", bytes(100, 8), Map.of());
        StoredObject planned = store.stat("moving").orElseThrow();
        fake.put(settings.bucket(), "moving", bytes(200, 9), Map.of());

        assertThatThrownBy(() -> store.open("moving", null, planned.generation()))
                .isInstanceOfSatisfying(ObjectStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.PRECONDITION_FAILED));
        assertThat(read(store.open("moving", null, store.stat("moving").orElseThrow().generation())))
                .isEqualTo(bytes(200, 9));
    }

    @Test
    void aSourceDeletedBetweenStatAndOpenFailsOpenAsNotFound() {
        fake.put(settings.bucket(), "gone", bytes(100, 10), Map.of());
        StoredObject planned = store.stat("gone").orElseThrow();
        fake.delete(settings.bucket(), "gone");

        assertThatThrownBy(() -> store.open("gone", null, planned.generation()))
                .isInstanceOfSatisfying(ObjectStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }

    @Test
    void aRangeOfAPinnedGenerationIsRead() {
        byte[] data = bytes(5 * 1024 * 1024, 11);
        StoredObject put = put(store, "ranged", data);

        byte[] part = read(store.open("ranged", new ByteRange(3_000_000, 4_500_000), put.generation()));

        assertThat(part).isEqualTo(Arrays.copyOfRange(data, 3_000_000, 4_500_001));
    }

    @Test
    void smallObjectsGoUpInOneRequestAndLargeOnesInChunks() {
        long before = fake.requestCount(RequestKind.UPLOAD);
        StoredObject small = put(store, "small", bytes(256 * 1024, 12));
        assertThat(fake.requestCount(RequestKind.UPLOAD) - before).isEqualTo(1);
        assertThat(small.generation()).isEqualTo(store.stat("small").orElseThrow().generation());

        before = fake.requestCount(RequestKind.UPLOAD);
        byte[] large = bytes(2 * (int) GcsTestStores.UPLOAD_CHUNK_SIZE + 5, 13);
        StoredObject put = put(store, "large", large);
        assertThat(fake.requestCount(RequestKind.UPLOAD) - before).as("session start and three chunks").isEqualTo(4);
        StoredObject stat = store.stat("large").orElseThrow();
        assertThat(put).isEqualTo(stat);
        assertThat(put.crc32c()).isEqualTo(Crc32c.of(large));
    }

    @Test
    void aLargeObjectWithAWrongChecksumIsNeverFinalized() {
        long before = fake.requestCount(RequestKind.UPLOAD);
        byte[] data = bytes((int) GcsTestStores.UPLOAD_CHUNK_SIZE + 10, 14);

        assertThatThrownBy(() -> store.put("bad", new ByteArrayInputStream(data), data.length,
                PutOptions.withChecksum(Crc32c.of(new byte[] {1}))))
                .isInstanceOfSatisfying(ObjectStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH));
        assertThat(fake.get(settings.bucket(), "bad")).isNull();
        assertThat(fake.requestCount(RequestKind.UPLOAD) - before).as("session start and the first chunk only")
                .isEqualTo(2);
    }

    @Test
    void dataEndingBeforeTheAnnouncedSizeFailsAndLeavesNothing() {
        byte[] data = bytes(1000, 15);
        assertThatThrownBy(() -> store.put("short", new ByteArrayInputStream(data), 2000, PutOptions.withChecksum(null)))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.OTHER))
                .hasMessageContaining("ended after 1000 of the announced 2000 bytes");
        assertThat(fake.get(settings.bucket(), "short")).isNull();
    }

    @Test
    void aFailingSourceStreamKeepsItsReason() {
        InputStream failing = new InputStream() {
            @Override
            public int read() {
                throw new ObjectStoreException(Reason.PRECONDITION_FAILED, "source changed");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return read();
            }
        };
        assertThatThrownBy(() -> store.put("x", failing, 10, PutOptions.withChecksum(null)))
                .isInstanceOfSatisfying(ObjectStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.PRECONDITION_FAILED));
        assertThatThrownBy(() -> store.put("y", failing, 20L * 1024 * 1024, PutOptions.withChecksum(null)))
                .isInstanceOfSatisfying(ObjectStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.PRECONDITION_FAILED));
    }

    @Test
    void copiesServerSideWithChecksumAndMetadata() {
        byte[] data = bytes(4000, 16);
        put(store, "original", data, Map.of(SyncMetadata.SOURCE_CRC32C, Crc32c.of(data)));
        long rewrites = fake.requestCount(RequestKind.REWRITE);

        StoredObject copy = store.copy("original", "copy");

        assertThat(fake.requestCount(RequestKind.REWRITE) - rewrites).isEqualTo(1);
        assertThat(copy.key()).isEqualTo("copy");
        assertThat(copy.crc32c()).isEqualTo(Crc32c.of(data));
        assertThat(copy.metadata()).containsEntry(SyncMetadata.SOURCE_CRC32C, Crc32c.of(data));
        assertThat(fake.get(settings.bucket(), "copy")).isEqualTo(data);
        assertThatThrownBy(() -> store.copy("absent", "other"))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }

    @Test
    void lifecycleDeleteRulesAreReportedInDays() {
        assertThat(store.deleteAfterDays()).isEmpty();

        fake.setLifecycleDeleteAfterDays(settings.bucket(), 30);

        assertThat(store.deleteAfterDays()).hasValue(30);
    }

    @Test
    void errorsThatOutliveTheRetriesKeepTheirReason() {
        fake.put(settings.bucket(), "k", new byte[] {1}, Map.of());
        try (GcsObjectStore once = GcsObjectStores.open(settings.with(s -> s.maxAttempts(1)))) {
            assertThat(failureOf(once, 403)).isEqualTo(Reason.PERMISSION);
            assertThat(failureOf(once, 401)).isEqualTo(Reason.PERMISSION);
            assertThat(failureOf(once, 429)).isEqualTo(Reason.THROTTLED);
            assertThat(failureOf(once, 503)).isEqualTo(Reason.TRANSIENT);
            assertThat(failureOf(once, 500)).isEqualTo(Reason.TRANSIENT);
            assertThat(failureOf(once, 400)).isEqualTo(Reason.OTHER);
        }
    }

    @Test
    void aMissingBucketIsNotFound() {
        try (GcsObjectStore missing = GcsObjectStores.open(settings.with(s -> s.bucket("no-such-bucket")))) {
            assertThatThrownBy(() -> missing.list("", null).toList())
                    .isInstanceOfSatisfying(ObjectStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
            assertThatThrownBy(missing::deleteAfterDays)
                    .isInstanceOfSatisfying(ObjectStoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        }
    }

    @Test
    void theSyncCopierStreamsFromGcsAndRequeuesAnObjectRewrittenSincePlanned(@TempDir Path target) {
        byte[] old = bytes(100, 17);
        byte[] current = bytes((int) GcsTestStores.UPLOAD_CHUNK_SIZE + 77, 18);
        fake.put(settings.bucket(), "data/big", old, Map.of());
        StoredObject planned = store.stat("data/big").orElseThrow();
        fake.put(settings.bucket(), "data/big", current, Map.of());

        try (FilesystemObjectStore directory = new FilesystemObjectStore(target)) {
            ObjectCopier.Outcome outcome = new ObjectCopier(store, directory).copy(planned, bytes -> { });

            assertThat(outcome.copied()).isTrue();
            assertThat(outcome.requeued()).isEqualTo(1);
            StoredObject copied = directory.stat("data/big").orElseThrow();
            assertThat(copied.crc32c()).isEqualTo(Crc32c.of(current));
            assertThat(copied.metadata()).containsEntry(SyncMetadata.SOURCE_GENERATION,
                    store.stat("data/big").orElseThrow().generation());
        }
    }

    // ---- helpers ----

    private static Reason failureOf(GcsObjectStore store, int status) {
        fake.failNextRequests(RequestKind.GET_METADATA, 1, status);
        try {
            store.stat("k");
        } catch (ObjectStoreException e) {
            return e.reason();
        }
        throw new AssertionError("stat succeeded despite an injected " + status);
    }

    private static StoredObject put(GcsObjectStore store, String key, byte[] data) {
        return put(store, key, data, Map.of());
    }

    private static StoredObject put(GcsObjectStore store, String key, byte[] data, Map<String, String> metadata) {
        return store.put(key, new ByteArrayInputStream(data), data.length, new PutOptions(Crc32c.of(data), metadata, null));
    }

    private static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static byte[] read(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
