package dev.cutover.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.storage.Crc32c;
import dev.cutover.storage.KeyOrder;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.ObjectStoreException.Reason;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.StoredObject;
import dev.cutover.storage.SyncMetadata;
import dev.cutover.testpeers.TestPeers;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/** What the S3 adapter does beyond the contract, against S3Mock. */
class S3ObjectStoreTests {

    private String bucket;
    private S3ObjectStore store;

    @BeforeEach
    void openStore() {
        bucket = S3TestBuckets.createBucket("adapter");
        store = S3ObjectStores.open(S3TestBuckets.settingsFor(bucket));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void theDefaultListingIsOneRequestPerPageAndLeavesChecksumsUnknown() {
        byte[] data = bytes(100, 1);
        StoredObject put = store.put("k", new ByteArrayInputStream(data), data.length,
                new PutOptions(Crc32c.of(data), Map.of(SyncMetadata.SOURCE_GENERATION, "7"), null));
        try (Stream<StoredObject> listed = store.list("", null)) {
            assertThat(listed.toList()).singleElement().satisfies(object -> {
                assertThat(object.key()).isEqualTo("k");
                assertThat(object.size()).isEqualTo(100);
                assertThat(object.generation()).isEqualTo(put.generation());
                assertThat(object.updated()).isNotNull();
                assertThat(object.crc32c()).as("S3 listings carry no checksum values").isNull();
                assertThat(object.metadata()).as("nor user metadata").isEmpty();
                assertThat(object.md5()).as("a single-part ETag is offered as the MD5")
                        .isEqualTo(java.util.Base64.getEncoder().encodeToString(md5(data)));
            });
        }
    }

    @Test
    void checksumsInListingComeFromHeadObjectPageByPage() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            keys.add(String.format("p/%04d", i));
        }
        keys.add("p/z-\uD83D\uDE00");
        try (S3ObjectStore listing = S3ObjectStores.open(S3TestBuckets.settingsFor(bucket)
                .with(s -> s.checksumsInListing(true).listPageSize(100)))) {
            for (String key : keys) {
                byte[] data = bytes(10, key.hashCode());
                listing.put(key, new ByteArrayInputStream(data), data.length,
                        new PutOptions(Crc32c.of(data), Map.of(SyncMetadata.SOURCE_CRC32C, Crc32c.of(data)), null));
            }
            try (Stream<StoredObject> listed = listing.list("p/", "p/0009")) {
                List<StoredObject> objects = listed.toList();
                assertThat(objects).extracting(StoredObject::key)
                        .containsExactlyElementsOf(keys.subList(10, keys.size()).stream().sorted(KeyOrder.UTF8_BINARY).toList());
                assertThat(objects).allSatisfy(object -> {
                    String crc = Crc32c.of(bytes(10, object.key().hashCode()));
                    assertThat(object.crc32c()).isEqualTo(crc);
                    assertThat(object.metadata()).containsEntry(SyncMetadata.SOURCE_CRC32C, crc);
                });
            }
        }
    }

    @Test
    void aPrefixedStoreSeesOnlyTheKeysUnderItsPrefix() {
        byte[] data = bytes(10, 2);
        store.put("outside", new ByteArrayInputStream(data), data.length, PutOptions.withChecksum(Crc32c.of(data)));
        try (S3ObjectStore tenant = S3ObjectStores.open(S3TestBuckets.settingsFor(bucket).with(s -> s.prefix("tenant")))) {
            assertThat(tenant.describe()).isEqualTo("s3://" + bucket + "/tenant/");
            tenant.put("a/b", new ByteArrayInputStream(data), data.length, PutOptions.withChecksum(Crc32c.of(data)));
            try (Stream<StoredObject> listed = tenant.list("", null)) {
                assertThat(listed.map(StoredObject::key)).containsExactly("a/b");
            }
            assertThat(tenant.stat("a/b")).get().extracting(StoredObject::key).isEqualTo("a/b");
            assertThat(tenant.stat("outside")).isEmpty();
        }
        assertThat(store.stat("tenant/a/b")).isPresent();
    }

    @Test
    void anEmptyObjectRoundTrips() throws Exception {
        byte[] empty = new byte[0];
        StoredObject put = store.put("empty", new ByteArrayInputStream(empty), 0, PutOptions.withChecksum(Crc32c.of(empty)));
        assertThat(put.crc32c()).isEqualTo("AAAAAA==");
        assertThat(store.stat("empty")).get().satisfies(stat -> {
            assertThat(stat.size()).isZero();
            assertThat(stat.crc32c()).isEqualTo("AAAAAA==");
        });
        try (InputStream in = store.open("empty", null, put.generation())) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    void statGivesTheMd5OfASinglePartObject() throws Exception {
        byte[] data = bytes(1000, 3);
        store.put("md5", new ByteArrayInputStream(data), data.length, PutOptions.withChecksum(Crc32c.of(data)));
        String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
        assertThat(store.stat("md5")).get().extracting(StoredObject::md5).isEqualTo(md5);
    }

    @Test
    void aPutWithoutADeclaredChecksumStillStoresTheCrc32cOfWhatWasSent() {
        byte[] small = bytes(1000, 4);
        byte[] large = bytes((int) S3TestBuckets.MULTIPART_THRESHOLD + 10, 5);
        StoredObject putSmall = store.put("small", new ByteArrayInputStream(small), small.length, new PutOptions(null, null, null));
        StoredObject putLarge = store.put("large", new ByteArrayInputStream(large), large.length, new PutOptions(null, null, null));
        assertThat(putSmall.crc32c()).isEqualTo(Crc32c.of(small));
        assertThat(putLarge.crc32c()).isEqualTo(Crc32c.of(large));
        assertThat(store.stat("small")).get().extracting(StoredObject::crc32c).isEqualTo(Crc32c.of(small));
        assertThat(store.stat("large")).get().extracting(StoredObject::crc32c).isEqualTo(Crc32c.of(large));
    }

    @Test
    void aWrongChecksumOnASinglePutIsRefusedByTheServer() {
        byte[] data = bytes(5000, 6);
        byte[] corrupted = data.clone();
        corrupted[2500] ^= 1; // one bit flipped after the checksum was declared
        assertThatThrownBy(() -> store.put("bad", new ByteArrayInputStream(corrupted), corrupted.length,
                PutOptions.withChecksum(Crc32c.of(data))))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH);
                    assertThat(e.getMessage()).contains("S3 refused the bytes");
                });
        assertThat(store.stat("bad")).isEmpty();
    }

    @Test
    void aWrongChecksumOnAMultipartPutIsAbortedBeforeCompletingAndLeavesNoUpload() {
        byte[] data = bytes((int) S3TestBuckets.MULTIPART_THRESHOLD + 100, 7);
        byte[] corrupted = data.clone();
        corrupted[data.length - 1] ^= 1;
        assertThatThrownBy(() -> store.put("big/bad", new ByteArrayInputStream(corrupted), corrupted.length,
                PutOptions.withChecksum(Crc32c.of(data))))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH);
                    assertThat(e.getMessage()).contains("aborted before completing");
                });
        assertThat(store.stat("big/bad")).isEmpty();
        assertThat(S3TestBuckets.admin().listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void aServerThatIgnoresTheChecksumHeaderStillLeavesNothingBehind() throws Exception {
        byte[] data = bytes(5000, 8);
        byte[] corrupted = data.clone();
        corrupted[10] ^= 1;
        try (S3ProxyStub stub = new S3ProxyStub(TestPeers.s3Endpoint());
                S3ObjectStore careless = S3ObjectStores.open(S3TestBuckets.settingsFor(bucket, stub.endpoint()))) {
            stub.dropChecksumHeaders(true);
            assertThatThrownBy(() -> careless.put("unchecked", new ByteArrayInputStream(corrupted), corrupted.length,
                    PutOptions.withChecksum(Crc32c.of(data))))
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH);
                        assertThat(e.getMessage()).contains("the server did not check it");
                    });
            assertThat(stub.requests()).anyMatch(request -> request.startsWith("DELETE"));
        }
        assertThat(store.stat("unchecked")).isEmpty();
    }

    @Test
    void bytesCorruptedOnTheWayAreRefusedByS3AndWorthAnotherAttempt() throws Exception {
        byte[] small = bytes(5000, 15);
        byte[] large = bytes((int) S3TestBuckets.MULTIPART_THRESHOLD + 50, 16);
        try (S3ProxyStub stub = new S3ProxyStub(TestPeers.s3Endpoint());
                S3ObjectStore onTheWire = S3ObjectStores.open(S3TestBuckets.settingsFor(bucket, stub.endpoint()))) {
            for (byte[] data : List.of(small, large)) {
                stub.corruptNextBody();
                assertThatThrownBy(() -> onTheWire.put("wire", new ByteArrayInputStream(data), data.length,
                        PutOptions.withChecksum(Crc32c.of(data))))
                        .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                            assertThat(e.reason()).isEqualTo(Reason.TRANSIENT);
                            assertThat(e.getMessage()).contains("corrupted on the way");
                        });
                assertThat(store.stat("wire")).isEmpty();
                StoredObject retried = onTheWire.put("wire", new ByteArrayInputStream(data), data.length,
                        PutOptions.withChecksum(Crc32c.of(data)));
                assertThat(retried.crc32c()).isEqualTo(Crc32c.of(data));
                onTheWire.delete("wire");
            }
        }
        assertThat(S3TestBuckets.admin().listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void dataShorterThanAnnouncedLeavesNothingBehind() {
        byte[] data = bytes(1000, 9);
        assertThatThrownBy(() -> store.put("short", new ByteArrayInputStream(data), 2000, new PutOptions(null, null, null)))
                .isInstanceOf(ObjectStoreException.class);
        assertThat(store.stat("short")).isEmpty();
        byte[] large = bytes((int) S3TestBuckets.MULTIPART_THRESHOLD, 10);
        assertThatThrownBy(() -> store.put("short-large", new ByteArrayInputStream(large), large.length + 6_000_000L,
                new PutOptions(null, null, null)))
                .isInstanceOfSatisfying(ObjectStoreException.class,
                        e -> assertThat(e.getMessage()).contains("the data ended after"));
        assertThat(store.stat("short-large")).isEmpty();
        assertThat(S3TestBuckets.admin().listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void compositeMultipartObjectsWrittenByOtherToolsHaveNoCrc32c() {
        byte[] data = bytes((int) S3TestBuckets.PART_SIZE * 2, 11);
        var admin = S3TestBuckets.admin();
        String uploadId = admin.createMultipartUpload(r -> r.bucket(bucket).key("composite")
                .checksumAlgorithm(ChecksumAlgorithm.CRC32_C).checksumType(ChecksumType.COMPOSITE)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int n = 1; n <= 2; n++) {
            byte[] part = Arrays.copyOfRange(data, (n - 1) * (int) S3TestBuckets.PART_SIZE, n * (int) S3TestBuckets.PART_SIZE);
            int number = n;
            var uploaded = admin.uploadPart(r -> r.bucket(bucket).key("composite").uploadId(uploadId).partNumber(number)
                    .checksumCRC32C(Crc32c.of(part)), RequestBody.fromBytes(part));
            parts.add(CompletedPart.builder().partNumber(n).eTag(uploaded.eTag()).checksumCRC32C(Crc32c.of(part)).build());
        }
        admin.completeMultipartUpload(r -> r.bucket(bucket).key("composite").uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));
        StoredObject stat = store.stat("composite").orElseThrow();
        assertThat(stat.size()).isEqualTo(data.length);
        assertThat(stat.crc32c()).as("a CRC of part CRCs is not the object's CRC32C").isNull();
        assertThat(stat.md5()).as("a multipart ETag is not an MD5").isNull();
        assertThat(stat.generation()).endsWith("-2");
    }

    @Test
    void copyKeepsBytesAndMetadataAndGivesAFullObjectCrc32c() throws Exception {
        byte[] small = bytes(3000, 12);
        byte[] large = bytes((int) S3TestBuckets.MULTIPART_THRESHOLD + 5, 13);
        store.put("src/small ü+%", new ByteArrayInputStream(small), small.length,
                new PutOptions(Crc32c.of(small), Map.of(SyncMetadata.SOURCE_GENERATION, "1"), null));
        store.put("src/large", new ByteArrayInputStream(large), large.length,
                new PutOptions(Crc32c.of(large), Map.of(SyncMetadata.SOURCE_GENERATION, "2"), null));
        StoredObject smallCopy = store.copy("src/small ü+%", "dst/small ü+%");
        StoredObject largeCopy = store.copy("src/large", "dst/large");
        assertThat(smallCopy.crc32c()).isEqualTo(Crc32c.of(small));
        assertThat(smallCopy.metadata()).containsEntry(SyncMetadata.SOURCE_GENERATION, "1");
        assertThat(largeCopy.crc32c()).isEqualTo(Crc32c.of(large));
        assertThat(largeCopy.metadata()).containsEntry(SyncMetadata.SOURCE_GENERATION, "2");
        try (InputStream in = store.open("dst/small ü+%", null, smallCopy.generation())) {
            assertThat(in.readAllBytes()).isEqualTo(small);
        }
        assertThatThrownBy(() -> store.copy("src/none", "dst/none"))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }

    @Test
    void closingAReadBeforeTheEndFreesTheConnection() throws Exception {
        byte[] data = bytes(4 * 1024 * 1024, 14);
        store.put("long", new ByteArrayInputStream(data), data.length, PutOptions.withChecksum(Crc32c.of(data)));
        S3Settings oneConnection = S3TestBuckets.settingsFor(bucket);
        oneConnection = new S3Settings(oneConnection.bucket(), "", oneConnection.region(), oneConnection.endpoint(), true,
                "test", "test", 0, 0, 1, 0, 0, false, null, null, null);
        try (S3ObjectStore narrow = S3ObjectStores.open(oneConnection)) {
            for (int i = 0; i < 3; i++) {
                try (InputStream in = narrow.open("long", null, null)) {
                    assertThat(in.read()).isEqualTo(data[0] & 0xff);
                }
            }
            try (InputStream in = narrow.open("long", new dev.cutover.storage.ByteRange(10, 19), null)) {
                assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 10, 20));
            }
            assertThat(narrow.stat("long")).isPresent();
        }
    }

    private static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static byte[] md5(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("MD5").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
