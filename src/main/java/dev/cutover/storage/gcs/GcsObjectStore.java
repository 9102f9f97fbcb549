package dev.cutover.storage.gcs;

import com.google.cloud.ReadChannel;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Bucket;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobSourceOption;
import com.google.cloud.storage.Storage.BucketField;
import com.google.cloud.storage.Storage.BucketGetOption;
import com.google.cloud.storage.Storage.CopyRequest;
import dev.cutover.storage.BucketKeys;
import dev.cutover.storage.ByteRange;
import dev.cutover.storage.LifecycleRules;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.ObjectStoreException.Reason;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.SeekableListing;
import dev.cutover.storage.ServerSideCopy;
import dev.cutover.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A GCS bucket (or a prefix of one) as an {@link ObjectStore}, through the client library's HTTP/JSON
 * transport. Generations are GCS generations; listings carry CRC32C, MD5 and metadata. The library retries
 * 429, 5xx and connection failures itself ({@link GcsSettings#maxAttempts()}, exponential backoff); what is
 * left reaches the caller as an {@link ObjectStoreException} with a reason.
 */
public final class GcsObjectStore implements ObjectStore, ServerSideCopy, LifecycleRules, SeekableListing {

    /** The read buffer, not a request size: one streaming GET per object either way; small keeps GC quiet. */
    static final int READ_CHUNK_SIZE = 256 * 1024;

    private final Storage storage;
    private final GcsSettings settings;
    private final BucketKeys keys;
    private final GcsListing listing;
    private final SingleRequestUpload singleRequest;
    private final ResumableUpload resumable;

    /** False when the client is shared with other stores (closed when the service stops). */
    private final boolean closesClient;

    GcsObjectStore(Storage storage, GcsSettings settings) {
        this(storage, settings, true);
    }

    GcsObjectStore(Storage storage, GcsSettings settings, boolean closesClient) {
        this.closesClient = closesClient;
        this.storage = storage;
        this.settings = settings;
        this.keys = new BucketKeys("gcs", settings.bucket(), settings.prefix());
        this.listing = new GcsListing(storage, keys, settings.listPageSize());
        this.singleRequest = new SingleRequestUpload(storage, keys);
        this.resumable = new ResumableUpload(storage, keys);
    }

    @Override
    public String describe() {
        return keys.describe();
    }

    @Override
    public Stream<StoredObject> list(String prefix, String startAfter) {
        return listing.list(prefix, startAfter);
    }

    @Override
    public Optional<StoredObject> stat(String key) {
        try {
            return Optional.ofNullable(storage.get(GcsObjectMapping.blobId(keys, key)))
                    .map(blob -> GcsObjectMapping.toStoredObject(key, blob));
        } catch (RuntimeException e) {
            throw GcsErrors.translate(keys.where(key), e);
        }
    }

    /**
     * Reads the object, or with {@code generation} that generation of it: GCS answers 404 once it is no longer
     * live, and a stat then tells a changed object (PRECONDITION_FAILED) from a deleted one (NOT_FOUND). On a
     * bucket with object versioning a replaced generation stays readable as a noncurrent version, so there the
     * read succeeds with the bytes of the generation asked for. Bytes come as stored (no decompressive
     * transcoding of gzip-encoded objects), so they match the object's CRC32C.
     */
    @Override
    public InputStream open(String key, ByteRange range, String generation) {
        String where = keys.where(key) + (generation == null ? "" : " (generation " + generation + ")");
        BlobId id = generation == null ? GcsObjectMapping.blobId(keys, key)
                : GcsObjectMapping.blobId(keys, key, parseGeneration(generation, where));
        ReadChannel reader;
        try {
            reader = storage.reader(id, BlobSourceOption.shouldReturnRawInputStream(true));
        } catch (RuntimeException e) {
            throw GcsErrors.translate(where, e);
        }
        try {
            reader.setChunkSize(READ_CHUNK_SIZE);
            if (range != null) {
                reader.seek(range.first());
                reader = reader.limit(range.last() + 1);
            }
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw GcsErrors.translate(where, e);
        }
        return GcsObjectContent.open(reader, e -> readFailure(key, generation, where, e));
    }

    /**
     * Objects smaller than one upload chunk go up in one request, larger ones in a resumable upload; either
     * way the declared CRC32C is checked by GCS and by the adapter, and a mismatch leaves no object.
     */
    @Override
    public StoredObject put(String key, InputStream data, long size, PutOptions options) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        PutOptions given = options == null ? new PutOptions(null, null, null) : options;
        return size < settings.uploadChunkSize()
                ? singleRequest.put(key, data, (int) size, given)
                : resumable.put(key, data, size, given);
    }

    /** Always a resumable upload: the size is only known once the last chunk is sent. */
    @Override
    public StoredObject putStream(String key, InputStream data, PutOptions options) {
        return resumable.put(key, data, -1, options == null ? new PutOptions(null, null, null) : options);
    }

    @Override
    public void delete(String key) {
        try {
            storage.delete(GcsObjectMapping.blobId(keys, key)); // false when absent
        } catch (RuntimeException e) {
            ObjectStoreException failure = GcsErrors.translate(keys.where(key), e);
            if (failure.reason() != Reason.NOT_FOUND) {
                throw failure;
            }
        }
    }

    /** A rewrite inside the bucket (repeated until GCS says done), metadata and checksums copied. */
    @Override
    public StoredObject copy(String sourceKey, String targetKey) {
        try {
            BlobInfo copied = storage.copy(CopyRequest.newBuilder()
                    .setSource(GcsObjectMapping.blobId(keys, sourceKey))
                    .setTarget(GcsObjectMapping.blobId(keys, targetKey))
                    .build()).getResult();
            return GcsObjectMapping.toStoredObject(targetKey, copied);
        } catch (RuntimeException e) {
            throw GcsErrors.translate("copying " + keys.where(sourceKey) + " to " + targetKey, e);
        }
    }

    /** The smallest age of a Delete lifecycle rule that covers every live object of the store. */
    @Override
    public Optional<Integer> deleteAfterDays() {
        Bucket bucket;
        try {
            bucket = storage.get(keys.bucket(), BucketGetOption.fields(BucketField.LIFECYCLE));
        } catch (RuntimeException e) {
            throw GcsErrors.translate("lifecycle of " + describe(), e);
        }
        if (bucket == null) {
            throw new ObjectStoreException(Reason.NOT_FOUND, "lifecycle of " + describe() + ": no such bucket");
        }
        return GcsLifecycle.deleteAfterDays(bucket.getLifecycleRules(), settings.prefix());
    }

    @Override
    public void close() {
        if (!closesClient) {
            return;
        }
        try {
            storage.close();
        } catch (Exception e) {
            throw GcsErrors.translate("closing the client of " + describe(), e);
        }
    }

    @Override
    public String toString() {
        return "GcsObjectStore[" + describe() + "]";
    }

    private ObjectStoreException readFailure(String key, String generation, String where, Exception e) {
        ObjectStoreException failure = GcsErrors.translate(where, e);
        if (generation == null || failure.reason() != Reason.NOT_FOUND) {
            return failure;
        }
        Optional<StoredObject> current;
        try {
            current = stat(key);
        } catch (ObjectStoreException statFailure) {
            failure.addSuppressed(statFailure);
            return failure;
        }
        return current.map(now -> new ObjectStoreException(Reason.PRECONDITION_FAILED, where
                        + ": the object changed; its generation is now " + now.generation(), e))
                .orElse(failure);
    }

    private static long parseGeneration(String generation, String where) {
        try {
            return Long.parseLong(generation);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": a GCS generation is a number, not '" + generation + "'", e);
        }
    }
}
