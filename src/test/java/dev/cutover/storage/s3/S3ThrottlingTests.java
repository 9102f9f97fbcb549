package dev.cutover.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.storage.Crc32c;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.StoredObject;
import dev.cutover.testpeers.TestPeers;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * 503 SlowDown bursts, answered by {@link S3ProxyStub} in front of S3Mock: the SDK's retry strategy (not a
 * loop of ours) backs off and retries; a burst longer than the attempts surfaces as THROTTLED.
 * The connections retry in the {@code standard} mode with a short backoff ({@code firstRetryDelay},
 * {@code maxRetryDelay}): the default {@code adaptive} mode's client-side rate limiting, which after a
 * SlowDown lets a client send as little as one request every 2 s, and the SDK's 1 s backoff made this
 * class wait about 30 s for nothing it checks.
 */
class S3ThrottlingTests {

    private static final Duration FIRST_RETRY_DELAY = Duration.ofMillis(20);
    private static final Duration MAX_RETRY_DELAY = Duration.ofMillis(200);

    private S3ProxyStub stub;
    private String bucket;

    @BeforeEach
    void startStub() throws Exception {
        stub = new S3ProxyStub(TestPeers.s3Endpoint());
        bucket = S3TestBuckets.createBucket("throttled");
    }

    @AfterEach
    void stopStub() {
        stub.close();
    }

    @Test
    void aSlowDownBurstIsSurvivedByEveryOperation() throws Exception {
        byte[] data = new byte[300 * 1024]; // more than the 128 KiB replay window: the 503 comes before the body
        new Random(1).nextBytes(data);
        try (S3ObjectStore store = S3ObjectStores.open(settings())) {
            stub.slowDownNext(2);
            StoredObject put = store.put("hot/key", new ByteArrayInputStream(data), data.length,
                    PutOptions.withChecksum(Crc32c.of(data)));
            assertThat(stub.slowDownsSent()).isEqualTo(2);
            assertThat(put.crc32c()).isEqualTo(Crc32c.of(data));

            stub.slowDownNext(1);
            assertThat(store.stat("hot/key")).get().extracting(StoredObject::crc32c).isEqualTo(Crc32c.of(data));
            stub.slowDownNext(1);
            try (InputStream in = store.open("hot/key", null, put.generation())) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
            stub.slowDownNext(1);
            try (Stream<StoredObject> listed = store.list("hot/", null)) {
                assertThat(listed.map(StoredObject::key)).containsExactly("hot/key");
            }
            assertThat(stub.slowDownsSent()).isEqualTo(5);
        }
    }

    @Test
    void aMultipartUploadSurvivesSlowDownOnItsParts() {
        byte[] data = new byte[(int) S3TestBuckets.MULTIPART_THRESHOLD + 1000];
        new Random(2).nextBytes(data);
        try (S3ObjectStore store = S3ObjectStores.open(settings())) {
            stub.slowDownNext(1); // CreateMultipartUpload
            store.put("big", new ByteArrayInputStream(data), data.length, PutOptions.withChecksum(Crc32c.of(data)));
            assertThat(store.stat("big")).get().extracting(StoredObject::crc32c).isEqualTo(Crc32c.of(data));
        }
        try (S3ObjectStore store = S3ObjectStores.open(settings())) {
            int before = stub.requests().size();
            // throttle the first UploadPart: the part is in a buffer, so the SDK replays it in full
            StoredObject put = store.put("big2", new SlowDownOnFirstPart(data, stub), data.length,
                    PutOptions.withChecksum(Crc32c.of(data)));
            assertThat(put.crc32c()).isEqualTo(Crc32c.of(data));
            assertThat(stub.requests().subList(before, stub.requests().size()))
                    .filteredOn(request -> request.contains("partNumber=1")).hasSize(2);
        }
    }

    @Test
    void aBurstLongerThanTheRetriesIsReportedAsThrottled() {
        try (S3ObjectStore store = S3ObjectStores.open(settings()
                .with(s -> s.maxAttempts(2)))) {
            stub.slowDownNext(5);
            // a GET: its 503 has the XML body that says SlowDown (a HEAD's has no body, so it is only TRANSIENT)
            assertThatThrownBy(() -> store.open("anything", null, null))
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                        assertThat(e.reason()).isEqualTo(ObjectStoreException.Reason.THROTTLED);
                        assertThat(e.reason().retryable()).isTrue();
                    });
            assertThat(stub.slowDownsSent()).isEqualTo(2);
            stub.slowDownNext(5);
            assertThatThrownBy(() -> store.stat("anything"))
                    .isInstanceOfSatisfying(ObjectStoreException.class,
                            e -> assertThat(e.reason().retryable()).isTrue());
        }
    }

    private S3Settings settings() {
        return S3TestBuckets.settingsFor(bucket, stub.endpoint()).with(s -> s
                .retryMode(S3Settings.RetryMode.STANDARD).retryDelays(FIRST_RETRY_DELAY, MAX_RETRY_DELAY));
    }

    /** The data of a put that arms one SlowDown when the adapter has read the first part (after CreateMultipartUpload). */
    private static final class SlowDownOnFirstPart extends ByteArrayInputStream {

        private final S3ProxyStub stub;
        private boolean armed;

        SlowDownOnFirstPart(byte[] data, S3ProxyStub stub) {
            super(data);
            this.stub = stub;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            if (!armed) {
                armed = true;
                stub.slowDownNext(1);
            }
            return super.read(b, off, len);
        }
    }
}
