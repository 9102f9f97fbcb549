package dev.cutover.storage.s3;

import dev.cutover.DaemonThreads;
import dev.cutover.storage.BucketKeys;
import dev.cutover.storage.BucketRegion;
import dev.cutover.storage.ByteRange;
import dev.cutover.storage.LifecycleRules;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.SeekableListing;
import dev.cutover.storage.ServerSideCopy;
import dev.cutover.storage.StoredObject;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.MetadataDirective;

/**
 * An S3 bucket (or a prefix of one) as an {@link ObjectStore}. Generations are ETags: {@code open}
 * with a generation sends If-Match, which works on versioned and unversioned buckets alike.
 */
public final class S3ObjectStore implements ObjectStore, ServerSideCopy, LifecycleRules, SeekableListing, BucketRegion {

    private final S3Client s3;
    private final S3Settings settings;
    private final BucketKeys keys;
    private final S3Listing listing;
    private final SinglePartUpload singlePart;
    private final MultipartUpload multipart;
    private final S3Deletion deletion;
    /** HeadObject requests for checksums in listings; null unless {@link S3Settings#checksumsInListing()}. */
    private final ExecutorService listingHeads;

    /** False when the client is shared with other stores (closed when the service stops). */
    private final boolean closesClient;

    S3ObjectStore(S3Client s3, S3Settings settings) {
        this(s3, settings, true);
    }

    S3ObjectStore(S3Client s3, S3Settings settings, boolean closesClient) {
        this.closesClient = closesClient;
        this.s3 = s3;
        this.settings = settings;
        this.keys = new BucketKeys("s3", settings.bucket(), settings.prefix());
        this.listingHeads = settings.checksumsInListing()
                ? Executors.newFixedThreadPool(Math.max(1, Math.min(16, settings.maxConnections() / 4)),
                        DaemonThreads.numbered("s3-listing-head-"))
                : null;
        UnaryOperator<List<StoredObject>> enricher = listingHeads == null ? UnaryOperator.identity() : this::statAll;
        this.listing = new S3Listing(s3, keys, settings.listPageSize(), enricher);
        this.deletion = new S3Deletion(s3, keys);
        this.singlePart = new SinglePartUpload(s3, keys, deletion);
        this.multipart = new MultipartUpload(s3, keys, settings.partSize());
    }

    @Override
    public String describe() {
        return keys.describe();
    }

    /**
     * ListObjectsV2 page by page. S3 listings carry no checksum values and no user metadata: crc32c and
     * metadata are null/empty (md5 is offered from a single-part ETag) unless
     * {@link S3Settings#checksumsInListing()} is on, in which case each
     * listed object is replaced by its {@link #stat} (one HeadObject per object, a page at a time, in
     * parallel). Objects deleted between the listing and the HeadObject are left out.
     */
    @Override
    public Stream<StoredObject> list(String prefix, String startAfter) {
        return listing.list(prefix, startAfter);
    }

    /**
     * HeadObject with checksum mode: size, the full-object CRC32C (null for COMPOSITE multipart objects
     * written by other tools), MD5 from a single-part ETag, ETag as generation, user metadata.
     */
    @Override
    public Optional<StoredObject> stat(String key) {
        try {
            HeadObjectResponse head = s3.headObject(r -> r.bucket(keys.bucket()).key(keys.name(key))
                    .checksumMode(ChecksumMode.ENABLED));
            return Optional.of(S3ObjectMapping.fromHead(key, head));
        } catch (RuntimeException e) {
            if (S3Errors.isNotFound(e)) {
                return Optional.empty();
            }
            throw S3Errors.translate(keys.where(key), e);
        }
    }

    @Override
    public InputStream open(String key, ByteRange range, String generation) {
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(keys.bucket()).key(keys.name(key));
        if (range != null) {
            request.range("bytes=" + range.first() + "-" + range.last());
        }
        if (generation != null) {
            request.ifMatch(quoted(generation));
        }
        try {
            ResponseInputStream<GetObjectResponse> body = s3.getObject(request.build());
            Long length = body.response().contentLength();
            return new S3ObjectContent(body, length == null ? Long.MAX_VALUE : length);
        } catch (RuntimeException e) {
            throw S3Errors.translate(keys.where(key) + (generation == null ? "" : " (generation " + generation + ")"), e);
        }
    }

    @Override
    public StoredObject put(String key, InputStream data, long size, PutOptions options) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        PutOptions given = options == null ? new PutOptions(null, null, null) : options;
        return size >= settings.multipartThreshold()
                ? multipart.put(key, data, size, given)
                : singlePart.put(key, data, size, given);
    }

    @Override
    public StoredObject putStream(String key, InputStream data, PutOptions options) {
        return multipart.putStream(key, data, options == null ? new PutOptions(null, null, null) : options, singlePart);
    }

    @Override
    public void delete(String key) {
        deletion.delete(key);
    }

    /**
     * CopyObject inside the bucket, metadata copied; S3 computes a full-object CRC32C for the copy. S3
     * copies at most 5 GiB in one CopyObject; larger sources fail (an UploadPartCopy version is not built).
     */
    @Override
    public StoredObject copy(String sourceKey, String targetKey) {
        try {
            s3.copyObject(r -> r.sourceBucket(keys.bucket()).sourceKey(keys.name(sourceKey))
                    .destinationBucket(keys.bucket()).destinationKey(keys.name(targetKey))
                    .metadataDirective(MetadataDirective.COPY)
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32_C));
        } catch (RuntimeException e) {
            throw S3Errors.translate("copying " + keys.where(sourceKey) + " to " + targetKey, e);
        }
        return stat(targetKey).orElseThrow(() -> new ObjectStoreException(ObjectStoreException.Reason.NOT_FOUND,
                keys.where(targetKey) + ": gone right after it was copied"));
    }

    /** The smallest Expiration in days of an enabled rule that covers the store's whole prefix. */
    @Override
    public Optional<Integer> deleteAfterDays() {
        List<LifecycleRule> rules;
        try {
            rules = s3.getBucketLifecycleConfiguration(r -> r.bucket(keys.bucket())).rules();
        } catch (AwsServiceException e) {
            if ("NoSuchLifecycleConfiguration".equals(S3Errors.errorCode(e))) {
                return Optional.empty();
            }
            throw S3Errors.translate("lifecycle of " + describe(), e);
        } catch (RuntimeException e) {
            throw S3Errors.translate("lifecycle of " + describe(), e);
        }
        return S3Lifecycle.deleteAfterDays(rules, settings.prefix());
    }

    @Override
    public String configuredRegion() {
        return settings.region();
    }

    /** HeadBucket answers the bucket's region in a header (also to a client of another region). */
    @Override
    public Optional<String> bucketRegion() {
        try {
            return Optional.ofNullable(s3.headBucket(r -> r.bucket(keys.bucket())).bucketRegion()).filter(r -> !r.isBlank());
        } catch (RuntimeException e) {
            throw S3Errors.translate("region of " + describe(), e);
        }
    }

    @Override
    public void close() {
        if (listingHeads != null) {
            listingHeads.shutdownNow();
        }
        if (closesClient) {
            s3.close();
        }
    }

    @Override
    public String toString() {
        return "S3ObjectStore[" + describe() + "]";
    }

    private List<StoredObject> statAll(List<StoredObject> listed) {
        List<CompletableFuture<Optional<StoredObject>>> heads = listed.stream()
                .map(object -> CompletableFuture.supplyAsync(() -> stat(object.key()), listingHeads))
                .toList();
        try {
            return heads.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList();
        } catch (CompletionException e) {
            heads.forEach(head -> head.cancel(true));
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private static String quoted(String etag) {
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }
}
