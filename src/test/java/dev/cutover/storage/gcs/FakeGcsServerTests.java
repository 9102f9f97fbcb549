package dev.cutover.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import com.google.api.gax.paging.Page;
import com.google.cloud.NoCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.ServiceOptions;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BucketInfo.LifecycleRule;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobGetOption;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.Storage.BlobTargetOption;
import com.google.cloud.storage.Storage.BlobWriteOption;
import com.google.cloud.storage.Storage.CopyRequest;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import com.google.common.hash.Hashing;
import com.google.common.io.BaseEncoding;
import com.google.common.primitives.Ints;
import dev.cutover.storage.gcs.FakeGcsServer.RequestKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GCS fake, driven by the real {@code google-cloud-storage} client over HTTP/JSON. */
class FakeGcsServerTests {

    private static final String BUCKET = "source";

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private FakeGcsServer fake;
    private Storage storage;

    @BeforeEach
    void start() {
        fake = new FakeGcsServer().start();
        fake.createBucket(BUCKET);
        storage = client(fake);
    }

    @AfterEach
    void stop() throws Exception {
        storage.close();
        fake.close();
    }

    private static Storage client(FakeGcsServer fake) {
        return StorageOptions.http()
                .setHost(fake.endpoint())
                .setProjectId("test")
                .setCredentials(NoCredentials.getInstance())
                .setRetrySettings(ServiceOptions.getDefaultRetrySettings().toBuilder()
                        .setInitialRetryDelayDuration(Duration.ofMillis(10))
                        .setMaxRetryDelayDuration(Duration.ofMillis(50))
                        .build())
                .build()
                .getService();
    }

    @Test
    void servesBucketsWithTheirLifecycleRules() {
        fake.createBucket("expiring-logs");
        fake.setLifecycleDeleteAfterDays("expiring-logs", 30);

        List<? extends LifecycleRule> rules = storage.get("expiring-logs").getLifecycleRules();
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).getAction().getActionType()).isEqualTo("Delete");
        assertThat(rules.get(0).getCondition().getAge()).isEqualTo(30);
        assertThat(storage.get(BUCKET).getLifecycleRules()).isNullOrEmpty();
        assertThat(storage.get(BUCKET).getLocation()).isEqualTo("US");
        assertThat(storage.list().iterateAll()).extracting(b -> b.getName()).containsExactly("expiring-logs", BUCKET);
        assertThat(storage.get("no-such-bucket")).isNull();
    }

    @Test
    void listsThousandsOfObjectsInPagesInKeyOrder() {
        List<String> keys = new ArrayList<>(IntStream.range(0, 2_500).mapToObj(i -> "obj-%05d".formatted(i)).toList());
        List<String> shuffled = new ArrayList<>(keys);
        Collections.shuffle(shuffled, new Random(7));
        shuffled.forEach(k -> fake.put(BUCKET, k, k.getBytes(StandardCharsets.UTF_8), Map.of()));

        Page<Blob> page = storage.list(BUCKET, BlobListOption.pageSize(1000));
        List<Integer> pageSizes = new ArrayList<>();
        List<String> listed = new ArrayList<>();
        for (Page<Blob> p = page; p != null; p = p.hasNextPage() ? p.getNextPage() : null) {
            List<String> names = StreamSupport.stream(p.getValues().spliterator(), false).map(Blob::getName).toList();
            pageSizes.add(names.size());
            listed.addAll(names);
        }

        assertThat(pageSizes).containsExactly(1000, 1000, 500);
        assertThat(listed).isEqualTo(keys);
        assertThat(fake.requestCount(RequestKind.LIST)).isEqualTo(3);
    }

    @Test
    void listsInUtf8ByteOrderNotUtf16Order() {
        String replacement = "\uFFFD";          // UTF-8 EF BF BD, UTF-16 FFFD
        String emoji = "\uD83D\uDE00";          // UTF-8 F0 9F 98 80, UTF-16 D83D DE00 (sorts first in Java)
        for (String key : List.of(emoji, "z", replacement, "a", "\u00e9")) {
            fake.put(BUCKET, key, new byte[] {1}, Map.of());
        }
        List<String> expected = List.of("a", "z", "\u00e9", replacement, emoji);

        assertThat(names(storage.list(BUCKET))).isEqualTo(expected);
        assertThat(names(storage.list(BUCKET, BlobListOption.pageSize(1)))).isEqualTo(expected);
        assertThat(emoji.compareTo(replacement)).as("Java's own order differs").isNegative();
    }

    @Test
    void listsWithPrefixDelimiterAndOffsets() {
        for (String key : List.of("logs/2024/a", "logs/2024/b", "logs/2025/a", "logs/top", "other")) {
            fake.put(BUCKET, key, new byte[] {1}, Map.of());
        }

        Page<Blob> dirs = storage.list(BUCKET, BlobListOption.prefix("logs/"), BlobListOption.currentDirectory());
        assertThat(dirs.iterateAll()).extracting(Blob::getName, Blob::isDirectory).containsExactlyInAnyOrder(
                tuple("logs/2024/", true),
                tuple("logs/2025/", true),
                tuple("logs/top", false));
        assertThat(names(storage.list(BUCKET, BlobListOption.prefix("logs/"), BlobListOption.currentDirectory(),
                BlobListOption.pageSize(1)))).containsExactlyInAnyOrder("logs/2024/", "logs/2025/", "logs/top");
        assertThat(names(storage.list(BUCKET, BlobListOption.startOffset("logs/2024/b"),
                BlobListOption.endOffset("logs/top")))).containsExactly("logs/2024/b", "logs/2025/a");
        assertThat(names(storage.list(BUCKET, BlobListOption.prefix("nothing/")))).isEmpty();
    }

    @Test
    void servesMetadataWithRealChecksums() throws Exception {
        byte[] data = randomBytes(100_000, 1);
        long generation = fake.put(BUCKET, "data.bin", data, Map.of("owner", "migration"));

        Blob blob = storage.get(BlobId.of(BUCKET, "data.bin"));

        assertThat(blob.getCrc32c()).isEqualTo(crc32c(data));
        assertThat(blob.getMd5()).isEqualTo(md5(data));
        assertThat(blob.getSize()).isEqualTo(data.length);
        assertThat(blob.getGeneration()).isEqualTo(generation);
        assertThat(blob.getMetageneration()).isEqualTo(1L);
        assertThat(blob.getMetadata()).containsExactly(Map.entry("owner", "migration"));
        assertThat(blob.getCreateTimeOffsetDateTime()).isNotNull();
        assertThat(blob.getEtag()).isNotBlank();
        assertThat(storage.get(BlobId.of(BUCKET, "absent"))).isNull();
    }

    @Test
    void servesObjectsWithoutCrc32cWhenAskedTo() {
        fake.put(BUCKET, "legacy", new byte[] {1, 2, 3}, Map.of());
        fake.omitCrc32c(BUCKET, "legacy");

        Blob blob = storage.get(BlobId.of(BUCKET, "legacy"));
        assertThat(blob.getCrc32c()).isNull();
        assertThat(blob.getMd5()).isNotNull();
    }

    @Test
    void readsWholeObjectsAndRanges() throws Exception {
        byte[] data = randomBytes(3 * 1024 * 1024 + 17, 2);
        fake.put(BUCKET, "big", data, Map.of());

        assertThat(storage.readAllBytes(BlobId.of(BUCKET, "big"))).isEqualTo(data);
        try (ReadChannel reader = storage.reader(BlobId.of(BUCKET, "big"))) {
            reader.seek(1_000_000);
            reader.limit(1_500_000);
            assertThat(readFully(reader)).isEqualTo(Arrays.copyOfRange(data, 1_000_000, 1_500_000));
        }
        try (ReadChannel reader = storage.reader(BlobId.of(BUCKET, "big"))) {
            reader.seek(data.length - 10);
            assertThat(readFully(reader)).isEqualTo(Arrays.copyOfRange(data, data.length - 10, data.length));
        }
        assertThat(fake.requestCount(RequestKind.GET_MEDIA)).isGreaterThanOrEqualTo(3);

        fake.put(BUCKET, "empty", new byte[0], Map.of());
        assertThat(storage.readAllBytes(BlobId.of(BUCKET, "empty"))).isEmpty();
        try (ReadChannel reader = storage.reader(BlobId.of(BUCKET, "empty"))) {
            assertThat(readFully(reader)).isEmpty();
        }
    }

    @Test
    void uploadsSmallObjectsInOneRequest() {
        byte[] data = "hello, cutover".getBytes(StandardCharsets.UTF_8);
        BlobInfo info = BlobInfo.newBuilder(BUCKET, "small.txt").setContentType("text/plain")
                .setMetadata(Map.of("source-generation", "42")).build();

        Blob blob = storage.create(info, data);

        assertThat(fake.get(BUCKET, "small.txt")).isEqualTo(data);
        assertThat(blob.getCrc32c()).isEqualTo(crc32c(data));
        assertThat(blob.getContentType()).isEqualTo("text/plain");
        assertThat(storage.get(BlobId.of(BUCKET, "small.txt")).getMetadata()).containsEntry("source-generation", "42");
        assertThat(fake.requestCount(RequestKind.UPLOAD)).isEqualTo(1);
    }

    @Test
    void uploadsLargeObjectsWithResumableSessions() throws Exception {
        byte[] data = randomBytes(20 * 1024 * 1024 + 123, 3);

        try (WriteChannel writer = storage.writer(BlobInfo.newBuilder(BUCKET, "large.bin").build())) {
            for (int off = 0; off < data.length; off += 1024 * 1024) {
                writer.write(ByteBuffer.wrap(data, off, Math.min(1024 * 1024, data.length - off)));
            }
        }

        assertThat(fake.get(BUCKET, "large.bin")).isEqualTo(data);
        assertThat(storage.get(BlobId.of(BUCKET, "large.bin")).getCrc32c()).isEqualTo(crc32c(data));
        assertThat(fake.requestCount(RequestKind.UPLOAD)).as("session start + 2 chunks").isGreaterThanOrEqualTo(3);

        byte[] exactlyOneChunk = randomBytes(16 * 1024 * 1024, 4);
        try (WriteChannel writer = storage.writer(BlobInfo.newBuilder(BUCKET, "one-chunk.bin").build())) {
            writer.write(ByteBuffer.wrap(exactlyOneChunk));
        }
        assertThat(fake.get(BUCKET, "one-chunk.bin")).isEqualTo(exactlyOneChunk);
        try (WriteChannel writer = storage.writer(BlobInfo.newBuilder(BUCKET, "nothing").build())) {
            writer.write(ByteBuffer.allocate(0));
        }
        assertThat(fake.get(BUCKET, "nothing")).isEmpty();
    }

    @Test
    void refusesUploadsWhoseDeclaredCrc32cDoesNotMatch() throws Exception {
        byte[] data = randomBytes(1000, 4);
        BlobInfo wrong = BlobInfo.newBuilder(BUCKET, "corrupt").setCrc32c(crc32c(new byte[] {9})).build();

        assertThatThrownBy(() -> {
            try (WriteChannel writer = storage.writer(wrong, BlobWriteOption.crc32cMatch())) {
                writer.write(ByteBuffer.wrap(data));
            }
        }).hasStackTraceContaining("CRC32C");
        assertThat(fake.get(BUCKET, "corrupt")).isNull();

        HttpResponse<String> multipart = multipartUpload("corrupt", data, crc32c(new byte[] {9}));
        assertThat(multipart.statusCode()).isEqualTo(400);
        assertThat(multipart.body()).contains("\"code\":400").contains("doesn't match calculated CRC32C");
        assertThat(multipartUpload("fine", data, crc32c(data)).statusCode()).isEqualTo(200);
        assertThat(fake.get(BUCKET, "fine")).isEqualTo(data);
    }

    @Test
    void deletesObjects() {
        fake.put(BUCKET, "gone", new byte[] {1}, Map.of());

        assertThat(storage.delete(BlobId.of(BUCKET, "gone"))).isTrue();
        assertThat(storage.delete(BlobId.of(BUCKET, "gone"))).isFalse();
        assertThat(fake.get(BUCKET, "gone")).isNull();
        assertThat(fake.requestCount(RequestKind.DELETE)).isEqualTo(2);
    }

    @Test
    void honoursGenerationPreconditions() {
        BlobInfo info = BlobInfo.newBuilder(BUCKET, "once").build();
        Blob first = storage.create(info, new byte[] {1}, BlobTargetOption.doesNotExist());

        assertThatThrownBy(() -> storage.create(info, new byte[] {2}, BlobTargetOption.doesNotExist()))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(412));
        assertThatThrownBy(() -> storage.get(BlobId.of(BUCKET, "once"), BlobGetOption.generationMatch(1L)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(412));

        Blob second = storage.create(first.toBuilder().build(), new byte[] {3}, BlobTargetOption.generationMatch());
        assertThat(second.getGeneration()).isGreaterThan(first.getGeneration());
        assertThat(storage.get(BlobId.of(BUCKET, "once", first.getGeneration()))).as("old generation is gone").isNull();
        assertThat(storage.readAllBytes(BlobId.of(BUCKET, "once", second.getGeneration()))).containsExactly(3);
    }

    @Test
    void keysWithSpecialCharactersRoundTrip() {
        List<String> keys = List.of("with space.txt", "dir/sub/file", "a+b", "100%", "100%25", "q?x#y&z=1",
                "\u00fcn\u00efc\u00f6d\u00e9/\u65e5\u672c\u8a9e", "emoji-\uD83D\uDE00", "trailing/");
        for (String key : keys) {
            storage.create(BlobInfo.newBuilder(BUCKET, key).build(), key.getBytes(StandardCharsets.UTF_8));
        }

        for (String key : keys) {
            assertThat(fake.get(BUCKET, key)).as(key).isEqualTo(key.getBytes(StandardCharsets.UTF_8));
            assertThat(storage.get(BlobId.of(BUCKET, key)).getName()).isEqualTo(key);
            assertThat(storage.readAllBytes(BlobId.of(BUCKET, key))).isEqualTo(key.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(names(storage.list(BUCKET))).containsExactlyInAnyOrderElementsOf(keys);
        for (String key : keys) {
            assertThat(storage.delete(BlobId.of(BUCKET, key))).as(key).isTrue();
        }
    }

    @Test
    void clientRetriesInjected503s() {
        byte[] data = randomBytes(5000, 5);
        fake.put(BUCKET, "flaky", data, Map.of());

        fake.failNextRequests(2, 503);
        assertThat(storage.get(BlobId.of(BUCKET, "flaky")).getSize()).isEqualTo(5000);
        assertThat(fake.requestCount(RequestKind.GET_METADATA)).isEqualTo(3);

        fake.failNextRequests(RequestKind.GET_MEDIA, 1, 503);
        assertThat(storage.readAllBytes(BlobId.of(BUCKET, "flaky"))).isEqualTo(data);
        assertThat(fake.requestCount(RequestKind.GET_MEDIA)).isEqualTo(2);

        fake.failNextRequests(RequestKind.LIST, 1, 429);
        assertThat(names(storage.list(BUCKET))).containsExactly("flaky");
        assertThat(fake.requestCount(RequestKind.LIST)).isEqualTo(2);
    }

    @Test
    void copiesServerSide() {
        byte[] data = randomBytes(2000, 6);
        fake.put(BUCKET, "original", data, Map.of("k", "v"));
        fake.createBucket("target");

        Blob copy = storage.copy(CopyRequest.of(BlobId.of(BUCKET, "original"), BlobId.of("target", "copy"))).getResult();

        assertThat(fake.get("target", "copy")).isEqualTo(data);
        assertThat(copy.getCrc32c()).isEqualTo(crc32c(data));
        assertThat(copy.getMetadata()).containsEntry("k", "v");
        assertThat(fake.requestCount(RequestKind.REWRITE)).isEqualTo(1);
    }

    @Test
    void answersRawHttpLikeGcs() throws Exception {
        fake.put(BUCKET, "dir/r", "0123456789".getBytes(StandardCharsets.UTF_8), Map.of());

        HttpResponse<String> range = HTTP.send(HttpRequest.newBuilder(
                        URI.create(fake.endpoint() + "/storage/v1/b/source/o/dir%2Fr?alt=media"))
                .header("Range", "bytes=2-4").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo("234");
        assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 2-4/10");

        HttpResponse<String> missing = HTTP.send(HttpRequest.newBuilder(
                URI.create(fake.endpoint() + "/storage/v1/b/source/o/nope")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"error\"").contains("\"code\":404").contains("notFound");

        HttpResponse<String> unknown = HTTP.send(HttpRequest.newBuilder(
                URI.create(fake.endpoint() + "/storage/v1/b/source/iam")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(501);
        assertThat(unknown.body()).contains("GET /storage/v1/b/source/iam");
        assertThat(fake.requestCount(RequestKind.UNKNOWN)).isEqualTo(1);
    }

    @Test
    void keepsObjectBytesInFilesWhenGivenADirectory(@TempDir Path dir) throws Exception {
        try (FakeGcsServer onDisk = new FakeGcsServer(dir).start(); Storage client = client(onDisk)) {
            onDisk.createBucket(BUCKET);
            byte[] data = randomBytes(17 * 1024 * 1024, 8);
            try (WriteChannel writer = client.writer(BlobInfo.newBuilder(BUCKET, "file-backed").build())) {
                writer.write(ByteBuffer.wrap(data));
            }
            onDisk.put(BUCKET, "fixture", new byte[] {1, 2}, Map.of());

            assertThat(client.readAllBytes(BlobId.of(BUCKET, "file-backed"))).isEqualTo(data);
            assertThat(client.get(BlobId.of(BUCKET, "file-backed")).getCrc32c()).isEqualTo(crc32c(data));
            assertThat(dir).isDirectoryContaining(p -> p.getFileName().toString().startsWith("object-"));
            assertThat(onDisk.delete(BUCKET, "file-backed")).isTrue();
            assertThat(onDisk.get(BUCKET, "fixture")).containsExactly(1, 2);
        }
    }

    // ---- helpers ----

    private HttpResponse<String> multipartUpload(String name, byte[] data, String declaredCrc32c) throws Exception {
        String boundary = "fake_boundary_1";
        byte[] head = ("--" + boundary + "\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
                + "{\"name\":\"" + name + "\",\"crc32c\":\"" + declaredCrc32c + "\"}\r\n--" + boundary
                + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + data.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(data, 0, body, head.length, data.length);
        System.arraycopy(tail, 0, body, head.length + data.length, tail.length);
        return HTTP.send(HttpRequest.newBuilder(
                        URI.create(fake.endpoint() + "/upload/storage/v1/b/" + BUCKET + "/o?uploadType=multipart"))
                .header("Content-Type", "multipart/related; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> names(Page<Blob> page) {
        return StreamSupport.stream(page.iterateAll().spliterator(), false).map(Blob::getName).toList();
    }

    private static byte[] readFully(ReadChannel reader) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (reader.read(buffer) >= 0) {
            buffer.flip();
            out.write(buffer.array(), 0, buffer.limit());
            buffer.clear();
        }
        return out.toByteArray();
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Computed independently of the fake: Guava's CRC32C, big-endian, base64 (as GCS serves it). */
    private static String crc32c(byte[] data) {
        return BaseEncoding.base64().encode(Ints.toByteArray(Hashing.crc32c().hashBytes(data).asInt()));
    }

    private static String md5(byte[] data) throws Exception {
        return BaseEncoding.base64().encode(MessageDigest.getInstance("MD5").digest(data));
    }
}
