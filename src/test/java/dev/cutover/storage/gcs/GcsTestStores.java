package dev.cutover.storage.gcs;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stores on a {@link FakeGcsServer}: one fresh bucket each, small pages so that paging is exercised, short
 * retry backoff so that injected failures cost milliseconds.
 */
final class GcsTestStores {

    static final int PAGE_SIZE = 500;
    /** Below the contract's LARGE object, so that it goes through the resumable path in two chunks. */
    static final long UPLOAD_CHUNK_SIZE = 8L * 1024 * 1024;

    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private GcsTestStores() {
    }

    /** A new bucket on the fake, and settings for it. */
    static GcsSettings newBucket(FakeGcsServer fake, String purpose) {
        String bucket = purpose + "-" + BUCKETS.incrementAndGet();
        fake.createBucket(bucket);
        return settings(fake, bucket);
    }

    static GcsSettings settings(FakeGcsServer fake, String bucket) {
        return GcsSettings.of(bucket)
                .with(s -> s
                        .endpoint(URI.create(fake.endpoint()))
                        .listPageSize(PAGE_SIZE)
                        .uploadChunkSize(UPLOAD_CHUNK_SIZE)
                        .firstRetryDelay(Duration.ofMillis(50)));
    }
}
