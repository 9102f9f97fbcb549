package dev.cutover.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ObjectStore} adapter must do, run against each real peer or fake: S3Mock,
 * the GCS fake (or fake-gcs-server with Docker), a directory. A new adapter passes this or is not done.
 */
public abstract class ObjectStoreContract {

    /** Above every adapter's multipart / resumable threshold as the subclasses configure it. */
    protected static final int LARGE = 12 * 1024 * 1024 + 123;

    protected ObjectStore store;

    /** A new, empty store (bucket or directory) for one test, with a list page size of 1000 or less. */
    protected abstract ObjectStore newEmptyStore();

    /**
     * Whether the peer lists in UTF-8 byte order, as GCS and S3 do. S3Mock 5.2.0 sorts by UTF-16
     * units (a peer bug, not the adapter's), so its subclass leaves out the key that tells them apart.
     */
    protected boolean peerListsInUtf8ByteOrder() {
        return true;
    }

    @BeforeEach
    void openStore() {
        store = newEmptyStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void putThenStatGivesSizeChecksumGenerationAndMetadata() {
        byte[] data = bytes(1000, 1);
        StoredObject put = store.put("dir/a.bin", new ByteArrayInputStream(data), data.length,
                new PutOptions(Crc32c.of(data), Map.of(SyncMetadata.SOURCE_GENERATION, "42"), "application/octet-stream"));
        StoredObject stat = store.stat("dir/a.bin").orElseThrow();
        assertThat(stat.key()).isEqualTo("dir/a.bin");
        assertThat(stat.size()).isEqualTo(1000);
        assertThat(stat.crc32c()).isEqualTo(Crc32c.of(data));
        assertThat(stat.generation()).isNotBlank().isEqualTo(put.generation());
        assertThat(stat.updated()).isNotNull();
        assertThat(stat.metadata()).containsEntry(SyncMetadata.SOURCE_GENERATION, "42");
        assertThat(read(store.open("dir/a.bin", null, null))).isEqualTo(data);
    }

    @Test
    void listingIsInUtf8ByteOrderWithChecksumsAndPagesTransparently() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 1050; i++) {
            keys.add(String.format("page/%05d", i));
        }
        if (peerListsInUtf8ByteOrder()) {
            keys.add("page/z-\uFFFD");
        }
        keys.add("page/z-\uD83D\uDE00"); // after U+FFFD in UTF-8, before it in UTF-16
        putAll(keys, 10);
        try (Stream<StoredObject> listed = store.list("page/", null)) {
            List<StoredObject> objects = listed.toList();
            assertThat(objects).extracting(StoredObject::key)
                    .containsExactlyElementsOf(keys.stream().sorted(KeyOrder.UTF8_BINARY).toList());
            assertThat(objects).allSatisfy(object -> {
                assertThat(object.size()).isEqualTo(10);
                assertThat(object.crc32c()).isEqualTo(Crc32c.of(content(object.key(), 10)));
            });
        }
    }

    @Test
    void listingHonoursPrefixAndStartAfter() throws Exception {
        putAll(List.of("a/1", "a/2", "a/3", "b/1", "ab"), 3);
        try (Stream<StoredObject> listed = store.list("a/", "a/1")) {
            assertThat(listed.map(StoredObject::key)).containsExactly("a/2", "a/3");
        }
        try (Stream<StoredObject> listed = store.list("", null)) {
            assertThat(listed.map(StoredObject::key)).containsExactly("a/1", "a/2", "a/3", "ab", "b/1");
        }
        try (Stream<StoredObject> listed = store.list("", "ab")) {
            assertThat(listed.map(StoredObject::key)).containsExactly("b/1");
        }
    }

    @Test
    void openReadsARange() {
        byte[] data = bytes(4096, 2);
        store.put("r", new ByteArrayInputStream(data), data.length, PutOptions.withChecksum(Crc32c.of(data)));
        byte[] part = read(store.open("r", new ByteRange(100, 1123), null));
        assertThat(part).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 1124));
    }

    @Test
    void openWithAStaleGenerationFailsAsPreconditionFailed() {
        byte[] first = bytes(100, 3);
        StoredObject old = store.put("g", new ByteArrayInputStream(first), first.length, PutOptions.withChecksum(Crc32c.of(first)));
        byte[] second = bytes(200, 4);
        StoredObject current = store.put("g", new ByteArrayInputStream(second), second.length,
                PutOptions.withChecksum(Crc32c.of(second)));
        assertThat(current.generation()).isNotEqualTo(old.generation());
        assertThat(read(store.open("g", null, current.generation()))).isEqualTo(second);
        assertThatThrownBy(() -> read(store.open("g", null, old.generation())))
                .isInstanceOfSatisfying(ObjectStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(ObjectStoreException.Reason.PRECONDITION_FAILED));
    }

    @Test
    void putWithAWrongChecksumIsRefusedAndLeavesNothing() {
        byte[] data = bytes(5000, 5);
        byte[] other = bytes(5000, 6);
        assertThatThrownBy(() -> store.put("bad", new ByteArrayInputStream(data), data.length,
                PutOptions.withChecksum(Crc32c.of(other))))
                .isInstanceOfSatisfying(ObjectStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(ObjectStoreException.Reason.CHECKSUM_MISMATCH));
        assertThat(store.stat("bad")).isEmpty();
    }

    @Test
    void largeObjectsKeepTheirFullObjectChecksum() {
        byte[] data = bytes(LARGE, 7);
        String crc = Crc32c.of(data);
        store.put("big/object", new ByteArrayInputStream(data), data.length, new PutOptions(crc,
                Map.of(SyncMetadata.SOURCE_CRC32C, crc), null));
        StoredObject stat = store.stat("big/object").orElseThrow();
        assertThat(stat.size()).isEqualTo(LARGE);
        assertThat(stat.crc32c()).isEqualTo(crc);
        assertThat(stat.metadata()).containsEntry(SyncMetadata.SOURCE_CRC32C, crc);
        assertThat(Crc32c.of(read(store.open("big/object", null, null)))).isEqualTo(crc);
    }

    @Test
    void largeObjectWithAWrongChecksumIsRefusedAndLeavesNothing() {
        byte[] data = bytes(LARGE, 8);
        assertThatThrownBy(() -> store.put("big/bad", new ByteArrayInputStream(data), data.length,
                PutOptions.withChecksum(Crc32c.of(bytes(10, 9)))))
                .isInstanceOfSatisfying(ObjectStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(ObjectStoreException.Reason.CHECKSUM_MISMATCH));
        assertThat(store.stat("big/bad")).isEmpty();
    }

    @Test
    void streamedPutOfUnknownSizeRecordsSizeAndChecksum() {
        for (int size : new int[] {0, 1000, LARGE}) {
            byte[] data = bytes(size, 10 + size);
            String key = "stream/" + size;
            // A stream that hands out a few bytes at a time, like a pipe from a dump tool.
            StoredObject put = store.putStream(key, new TrickleInputStream(data), new PutOptions(null,
                    Map.of("snapshot", "yes"), "application/gzip"));
            assertThat(put.size()).as(key).isEqualTo(size);
            assertThat(put.crc32c()).as(key).isEqualTo(Crc32c.of(data));
            StoredObject stat = store.stat(key).orElseThrow();
            assertThat(stat.size()).as(key).isEqualTo(size);
            assertThat(stat.metadata()).containsEntry("snapshot", "yes");
            assertThat(read(store.open(key, null, null))).as(key).isEqualTo(data);
        }
    }

    /**
     * More than nine parts (or chunks): a store that orders parts by their names as text puts part 10
     * before part 2. Both puts, known size and streamed, must give the bytes back in order.
     */
    @Test
    void anObjectOfMoreThanTenPartsComesBackInOrder() {
        byte[] data = bytes(11 * 5 * 1024 * 1024 + 17, 13);
        String crc = Crc32c.of(data);
        StoredObject known = store.put("parts/known", new ByteArrayInputStream(data), data.length, PutOptions.withChecksum(crc));
        StoredObject streamed = store.putStream("parts/streamed", new TrickleInputStream(data), new PutOptions(null, null, null));
        assertThat(known.crc32c()).isEqualTo(crc);
        assertThat(streamed.crc32c()).isEqualTo(crc);
        assertThat(Crc32c.of(read(store.open("parts/known", null, null)))).as("known size, read back").isEqualTo(crc);
        assertThat(Crc32c.of(read(store.open("parts/streamed", null, null)))).as("streamed, read back").isEqualTo(crc);
    }

    @Test
    void streamedPutThatFailsWhileReadingLeavesNothing() {
        byte[] data = bytes(LARGE, 11);
        InputStream failing = new TrickleInputStream(data) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position() > LARGE / 2) {
                    throw new IOException("dump tool died");
                }
                return super.read(b, off, len);
            }
        };
        assertThatThrownBy(() -> store.putStream("stream/broken", failing, new PutOptions(null, null, null)))
                .hasMessageContaining("stream/broken");
        assertThat(store.stat("stream/broken")).isEmpty();
    }

    @Test
    void streamedPutWithAWrongChecksumIsRefusedAndLeavesNothing() {
        byte[] data = bytes(LARGE, 12);
        assertThatThrownBy(() -> store.putStream("stream/bad", new TrickleInputStream(data),
                PutOptions.withChecksum(Crc32c.of(bytes(10, 9)))))
                .isInstanceOfSatisfying(ObjectStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(ObjectStoreException.Reason.CHECKSUM_MISMATCH));
        assertThat(store.stat("stream/bad")).isEmpty();
    }

    @Test
    void absentObjects() {
        assertThat(store.stat("nope")).isEmpty();
        store.delete("nope");
        assertThatThrownBy(() -> read(store.open("nope", null, null)))
                .isInstanceOfSatisfying(ObjectStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(ObjectStoreException.Reason.NOT_FOUND));
    }

    @Test
    void deleteRemoves() {
        byte[] data = bytes(10, 10);
        store.put("d", new ByteArrayInputStream(data), data.length, PutOptions.withChecksum(Crc32c.of(data)));
        store.delete("d");
        assertThat(store.stat("d")).isEmpty();
    }

    @Test
    void awkwardKeysRoundTrip() throws Exception {
        List<String> keys = List.of("with space", "plus+sign", "per%cent", "q?mark", "hash#tag", "dir/ü-ñ-日本",
                "emoji-\uD83D\uDE00", "a&b=c");
        putAll(keys, 5);
        for (String key : keys) {
            assertThat(store.stat(key)).as(key).isPresent();
            assertThat(read(store.open(key, null, null))).as(key).isEqualTo(content(key, 5));
        }
        try (Stream<StoredObject> listed = store.list("", null)) {
            assertThat(listed.map(StoredObject::key)).containsExactlyElementsOf(
                    keys.stream().sorted(KeyOrder.UTF8_BINARY).toList());
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** Gives at most 64 KiB per read and no size up front, as a pipe does. */
    protected static class TrickleInputStream extends InputStream {
        private final byte[] data;
        private int position;

        protected TrickleInputStream(byte[] data) {
            this.data = data;
        }

        protected int position() {
            return position;
        }

        @Override
        public int read() {
            return position < data.length ? data[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 64 * 1024), data.length - position);
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public int available() {
            return 0;
        }
    }

    protected void putAll(List<String> keys, int size) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<StoredObject>> puts = new ArrayList<>();
            for (String key : keys) {
                byte[] data = content(key, size);
                puts.add(pool.submit(() -> store.put(key, new ByteArrayInputStream(data), data.length,
                        PutOptions.withChecksum(Crc32c.of(data)))));
            }
            for (Future<StoredObject> put : puts) {
                put.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Deterministic content per key, so listings can be checked against checksums. */
    protected static byte[] content(String key, int size) {
        return bytes(size, key.hashCode());
    }

    protected static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    protected static byte[] read(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
