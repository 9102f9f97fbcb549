package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.storage.ByteRange;
import dev.cutover.storage.Crc32c;
import dev.cutover.storage.ForwardingObjectStore;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.StoredObject;
import dev.cutover.storage.SyncMetadata;
import dev.cutover.storage.filesystem.FilesystemObjectStore;
import dev.cutover.storage.plan.KeyFilter;
import dev.cutover.storage.s3.S3ObjectStores;
import dev.cutover.storage.s3.S3Settings;
import dev.cutover.testpeers.TestPeers;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * End-to-end integrity of one copy: a byte corrupted between source and target (here inside the
 * source stream, after the source's CRC32C was read) is refused by the real S3 peer (S3Mock) and
 * the object is not marked done; an object changed during its copy is re-queued with its new
 * generation; a missing checksum is a mismatch for the verification, never "same size, fine".
 */
class CopyIntegrityTests {

    @Test
    void aCorruptedByteOnTheWayIsRefusedAndTheObjectIsNotDone() throws Exception {
        ObjectStore source = new FilesystemObjectStore(Files.createTempDirectory("copy-src-"));
        byte[] data = bytes(300_000, 1);
        source.put("photos/a.jpg", new ByteArrayInputStream(data), data.length, PutOptions.withChecksum(Crc32c.of(data)));
        ObjectStore corrupting = new ForwardingObjectStore(source) {
            @Override
            public InputStream open(String key, ByteRange range, String generation) {
                return new FlipOneByte(super.open(key, range, generation), 123_456);
            }
        };
        try (ObjectStore target = s3Bucket()) {
            ObjectCopier.Outcome outcome = new ObjectCopier(corrupting, target)
                    .copy(source.stat("photos/a.jpg").orElseThrow(), bytes -> { });
            assertThat(outcome.copied()).isFalse();
            assertThat(outcome.failure()).contains("CHECKSUM_MISMATCH");
            assertThat(target.stat("photos/a.jpg")).as("nothing marked done on the target").isEmpty();

            ObjectCopier.Outcome clean = new ObjectCopier(source, target).copy(source.stat("photos/a.jpg").orElseThrow(),
                    bytes -> { });
            assertThat(clean.copied()).isTrue();
            StoredObject copied = target.stat("photos/a.jpg").orElseThrow();
            assertThat(copied.crc32c()).isEqualTo(Crc32c.of(data));
            assertThat(copied.metadata()).containsEntry(SyncMetadata.SOURCE_CRC32C, Crc32c.of(data));
        }
    }

    @Test
    void anObjectChangedDuringItsCopyIsRequeuedNotHalfCopied() throws Exception {
        ObjectStore source = new FilesystemObjectStore(Files.createTempDirectory("copy-src-"));
        byte[] first = bytes(50_000, 2);
        source.put("k", new ByteArrayInputStream(first), first.length, PutOptions.withChecksum(Crc32c.of(first)));
        StoredObject planned = source.stat("k").orElseThrow();
        byte[] second = bytes(60_000, 3);
        source.put("k", new ByteArrayInputStream(second), second.length, PutOptions.withChecksum(Crc32c.of(second)));
        ObjectStore target = new FilesystemObjectStore(Files.createTempDirectory("copy-dst-"));
        ObjectCopier.Outcome outcome = new ObjectCopier(source, target).copy(planned, bytes -> { });
        assertThat(outcome.copied()).isTrue();
        assertThat(outcome.requeued()).isEqualTo(1);
        assertThat(target.stat("k").orElseThrow().crc32c()).isEqualTo(Crc32c.of(second));
        assertThat(outcome.bytes()).isEqualTo(second.length);
    }

    @Test
    void aMissingChecksumIsAMismatchForVerification() throws Exception {
        ObjectStore stored = new FilesystemObjectStore(Files.createTempDirectory("verify-src-"));
        ObjectStore target = new FilesystemObjectStore(Files.createTempDirectory("verify-dst-"));
        byte[] data = bytes(1000, 4);
        for (ObjectStore store : List.of(stored, target)) {
            store.put("same-size", new ByteArrayInputStream(data), data.length, PutOptions.withChecksum(Crc32c.of(data)));
        }
        ObjectStore withoutChecksums = new ForwardingObjectStore(stored) {
            @Override
            public Stream<StoredObject> list(String prefix, String startAfter) {
                return super.list(prefix, startAfter).map(o -> new StoredObject(o.key(), o.size(), null, null,
                        o.generation(), o.updated(), o.metadata()));
            }
        };
        List<SyncRunRepository.Mismatch> report = new ArrayList<>();
        SyncVerifier.Result result = SyncVerifier.verify(withoutChecksums, target, KeyFilter.all(),
                Executors.newFixedThreadPool(2), report::add);
        assertThat(result.clean()).isFalse();
        assertThat(report).singleElement().satisfies(m -> {
            assertThat(m.key()).isEqualTo("same-size");
            assertThat(m.kind()).isEqualTo(SyncVerifier.UNKNOWN);
        });
        SyncVerifier.Result clean = SyncVerifier.verify(stored, target, KeyFilter.all(), Executors.newFixedThreadPool(2),
                m -> { });
        assertThat(clean.clean()).isTrue();
        assertThat(clean.sourceObjects()).isEqualTo(1);
    }

    private static ObjectStore s3Bucket() {
        String bucket = "copy-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client client = TestPeers.s3Client()) {
            client.createBucket(b -> b.bucket(bucket));
        }
        return S3ObjectStores.open(new S3Settings(bucket, "", "us-east-1", TestPeers.s3Endpoint(), true, "test", "test",
                0, 0, 0, 0, 0, false, null, null, null));
    }

    private static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Flips one byte at {@code position} of the stream: corruption on the wire. */
    private static final class FlipOneByte extends FilterInputStream {

        private final long position;
        private long offset;

        FlipOneByte(InputStream in, long position) {
            super(in);
            this.position = position;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && offset++ == position) {
                return b ^ 0x01;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int length) throws IOException {
            int n = super.read(buffer, off, length);
            if (n > 0 && position >= offset && position < offset + n) {
                buffer[off + (int) (position - offset)] ^= 0x01;
            }
            if (n > 0) {
                offset += n;
            }
            return n;
        }
    }
}
