package dev.cutover.storage.s3;

import dev.cutover.storage.BucketKeys;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Where an {@link S3ObjectStore} points and how it talks to S3.
 *
 * @param bucket             the bucket
 * @param prefix             key prefix inside the bucket that the store maps its keys under ("" for the whole
 *                           bucket); a non-empty prefix is given a trailing {@code /}
 * @param region             e.g. {@code eu-west-1}
 * @param endpoint           endpoint override (S3Mock, MinIO, a VPC endpoint), or null for AWS
 * @param pathStyle          {@code http://host/bucket/key} instead of {@code http://bucket.host/key}
 * @param accessKeyId        static credentials, or null for the default credentials chain
 * @param secretAccessKey    static credentials, or null for the default credentials chain
 * @param multipartThreshold objects of this size or larger go up in parts
 * @param partSize           the size of one part (raised when an object would need more than 10,000 parts)
 * @param maxConnections     HTTP connection pool size
 * @param listPageSize       keys per ListObjectsV2 page (1..1000)
 * @param maxAttempts        attempts per request, first one included, for the SDK's adaptive retry strategy
 * @param firstRetryDelay    the backoff before the first retry, doubled for each further one up to
 *                           {@code maxRetryDelay}, jittered; null for the SDK's own (1 s after throttling, 50 ms after
 *                           other failures)
 * @param maxRetryDelay      the longest backoff between two attempts; null for the SDK's own (20 s)
 * @param retryMode          {@code ADAPTIVE} (default) also slows the client down for a while after S3 throttles it
 *                           (client-side rate limiting, down to one request every 2 s); {@code STANDARD} only backs off
 * @param checksumsInListing S3 listings carry no checksum values; when true, {@code list} asks for each
 *                           object's CRC32C with a HeadObject (one request per object). Off by default.
 */
public record S3Settings(String bucket, String prefix, String region, URI endpoint, boolean pathStyle,
                         String accessKeyId, String secretAccessKey, long multipartThreshold, long partSize,
                         int maxConnections, int listPageSize, int maxAttempts, boolean checksumsInListing,
                         Duration firstRetryDelay, Duration maxRetryDelay, RetryMode retryMode) {

    /** The SDK's retry modes that this service offers, named as the AWS config's {@code retry_mode}. */
    public enum RetryMode {
        ADAPTIVE, STANDARD;

        /** {@code adaptive} or {@code standard}, in any case. */
        public static RetryMode of(String written) {
            for (RetryMode mode : values()) {
                if (mode.name().equalsIgnoreCase(written.strip())) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("retryMode '" + written + "' is not one of adaptive, standard");
        }
    }

    public static final long DEFAULT_MULTIPART_THRESHOLD = 64L * 1024 * 1024;
    public static final long DEFAULT_PART_SIZE = 16L * 1024 * 1024;
    /** S3's largest single PutObject. */
    public static final long MAX_SINGLE_PUT = 5L * 1024 * 1024 * 1024;
    /** S3's smallest part (all but the last). */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    public static final int DEFAULT_LIST_PAGE_SIZE = 1000;
    public static final int DEFAULT_MAX_ATTEMPTS = 8;

    public S3Settings {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("an S3 store needs a bucket");
        }
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException("an S3 store needs a region");
        }
        prefix = BucketKeys.normalizePrefix(prefix);
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new IllegalArgumentException("give both accessKeyId and secretAccessKey, or neither");
        }
        multipartThreshold = multipartThreshold > 0 ? multipartThreshold : DEFAULT_MULTIPART_THRESHOLD;
        if (multipartThreshold > MAX_SINGLE_PUT) {
            throw new IllegalArgumentException("multipartThreshold " + multipartThreshold
                    + " is above S3's largest single PutObject (5 GiB)");
        }
        partSize = partSize > 0 ? partSize : DEFAULT_PART_SIZE;
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("partSize " + partSize + " is below S3's minimum of 5 MiB");
        }
        if (partSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("partSize " + partSize + " does not fit one buffer");
        }
        maxConnections = maxConnections > 0 ? maxConnections : DEFAULT_MAX_CONNECTIONS;
        listPageSize = listPageSize > 0 ? Math.min(listPageSize, 1000) : DEFAULT_LIST_PAGE_SIZE;
        maxAttempts = maxAttempts > 0 ? maxAttempts : DEFAULT_MAX_ATTEMPTS;
        retryMode = retryMode != null ? retryMode : RetryMode.ADAPTIVE;
        if (firstRetryDelay != null && firstRetryDelay.isNegative()
                || maxRetryDelay != null && (maxRetryDelay.isNegative() || maxRetryDelay.isZero())) {
            throw new IllegalArgumentException("firstRetryDelay must not be negative and maxRetryDelay must be positive");
        }
        if (firstRetryDelay != null && maxRetryDelay != null && firstRetryDelay.compareTo(maxRetryDelay) > 0) {
            throw new IllegalArgumentException("firstRetryDelay " + firstRetryDelay + " is longer than maxRetryDelay "
                    + maxRetryDelay);
        }
    }

    /** Defaults for everything but bucket and region: whole bucket, AWS endpoint, default credentials chain. */
    public static S3Settings of(String bucket, String region) {
        return new S3Settings(bucket, "", region, null, false, null, null, 0, 0, 0, 0, 0, false, null, null, null);
    }

    /**
     * A copy with some settings changed, checked like any new one, e.g.
     * {@code settings.with(s -> s.prefix("logs/").maxAttempts(2))} (tests use one bucket per test).
     */
    public S3Settings with(Consumer<Changes> changes) {
        Changes copy = new Changes(this);
        changes.accept(copy);
        return copy.settings();
    }

    /** The settings of a {@link #with} copy; whatever is not set stays as it was. */
    public static final class Changes {
        private String bucket;
        private String prefix;
        private final String region;
        private URI endpoint;
        private boolean pathStyle;
        private String accessKeyId;
        private String secretAccessKey;
        private long multipartThreshold;
        private long partSize;
        private int maxConnections;
        private int listPageSize;
        private int maxAttempts;
        private boolean checksumsInListing;
        private Duration firstRetryDelay;
        private Duration maxRetryDelay;
        private RetryMode retryMode;

        private Changes(S3Settings from) {
            bucket = from.bucket;
            prefix = from.prefix;
            region = from.region;
            endpoint = from.endpoint;
            pathStyle = from.pathStyle;
            accessKeyId = from.accessKeyId;
            secretAccessKey = from.secretAccessKey;
            multipartThreshold = from.multipartThreshold;
            partSize = from.partSize;
            maxConnections = from.maxConnections;
            listPageSize = from.listPageSize;
            maxAttempts = from.maxAttempts;
            checksumsInListing = from.checksumsInListing;
            firstRetryDelay = from.firstRetryDelay;
            maxRetryDelay = from.maxRetryDelay;
            retryMode = from.retryMode;
        }

        public Changes bucket(String bucket) {
            this.bucket = bucket;
            return this;
        }

        public Changes prefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        public Changes endpoint(URI endpoint, boolean pathStyle) {
            this.endpoint = endpoint;
            this.pathStyle = pathStyle;
            return this;
        }

        public Changes credentials(String accessKeyId, String secretAccessKey) {
            this.accessKeyId = accessKeyId;
            this.secretAccessKey = secretAccessKey;
            return this;
        }

        public Changes multipart(long threshold, long partSize) {
            this.multipartThreshold = threshold;
            this.partSize = partSize;
            return this;
        }

        public Changes maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Changes listPageSize(int listPageSize) {
            this.listPageSize = listPageSize;
            return this;
        }

        public Changes maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The SDK's backoff between attempts: from {@code first}, doubling up to {@code max}; nulls keep the SDK's. */
        public Changes retryDelays(Duration first, Duration max) {
            this.firstRetryDelay = first;
            this.maxRetryDelay = max;
            return this;
        }

        public Changes retryMode(RetryMode retryMode) {
            this.retryMode = retryMode;
            return this;
        }

        public Changes checksumsInListing(boolean checksumsInListing) {
            this.checksumsInListing = checksumsInListing;
            return this;
        }

        private S3Settings settings() {
            return new S3Settings(bucket, prefix, region, endpoint, pathStyle, accessKeyId, secretAccessKey,
                    multipartThreshold, partSize, maxConnections, listPageSize, maxAttempts, checksumsInListing,
                    firstRetryDelay, maxRetryDelay, retryMode);
        }
    }

    /** {@code s3://bucket/prefix}. */
    public String describe() {
        return "s3://" + bucket + "/" + prefix;
    }

    /** Never prints the secret key. */
    @Override
    public String toString() {
        return "S3Settings[" + describe() + ", region=" + region + ", endpoint=" + endpoint + ", pathStyle="
                + pathStyle + ", credentials=" + (accessKeyId == null ? "default chain" : "static " + accessKeyId)
                + ", multipartThreshold=" + multipartThreshold + ", partSize=" + partSize + ", maxConnections="
                + maxConnections + ", listPageSize=" + listPageSize + ", maxAttempts=" + maxAttempts
                + ", checksumsInListing=" + checksumsInListing + ", firstRetryDelay=" + firstRetryDelay
                + ", maxRetryDelay=" + maxRetryDelay + ", retryMode=" + retryMode + "]";
    }
}
