package dev.cutover.storage.gcs;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobTargetOption;
import dev.cutover.storage.BucketKeys;
import dev.cutover.storage.Crc32c;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.ObjectStoreException.Reason;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.StoredObject;
import dev.cutover.storage.UploadData;
import java.io.InputStream;

/**
 * An object smaller than one upload chunk, read into memory (at most one chunk, as a resumable upload would
 * hold) and sent in one multipart request. The bytes' CRC32C is compared with the declared one before
 * anything is sent, so a mismatch never reaches GCS; the request then carries the CRC32C and MD5 of exactly
 * those bytes (the library computes them), which GCS checks before the object becomes visible. The request
 * can be retried, since the bytes are in memory.
 */
final class SingleRequestUpload {

    private final Storage storage;
    private final BucketKeys keys;

    SingleRequestUpload(Storage storage, BucketKeys keys) {
        this.storage = storage;
        this.keys = keys;
    }

    StoredObject put(String key, InputStream data, int size, PutOptions options) {
        String where = keys.where(key);
        BlobId id = GcsObjectMapping.blobId(keys, key);
        byte[] bytes = new byte[size];
        Crc32c.Computing read = new Crc32c.Computing(data);
        try {
            UploadData.readFully(read, bytes, size, 0, size, where);
        } catch (RuntimeException e) {
            throw GcsErrors.translate(where, e);
        }
        String crc32c = read.crc32c();
        if (options.crc32c() != null && !options.crc32c().equals(crc32c)) {
            throw new ObjectStoreException(Reason.CHECKSUM_MISMATCH, where + ": the bytes read have CRC32C " + crc32c
                    + ", not the declared " + options.crc32c() + "; nothing was sent");
        }
        Blob created;
        try {
            created = storage.create(GcsObjectMapping.toBlobInfo(id, options, crc32c), bytes,
                    BlobTargetOption.disableGzipContent());
        } catch (RuntimeException e) {
            ObjectStoreException failure = GcsErrors.translate(where, e);
            if (failure.reason() == Reason.CHECKSUM_MISMATCH) {
                // The checksums were computed from the very bytes sent: GCS received other bytes.
                throw new ObjectStoreException(Reason.TRANSIENT, where + ": GCS received bytes that do not have"
                        + " the checksums they were sent with (corrupted on the way; try again): "
                        + failure.getMessage(), e);
            }
            throw failure;
        }
        return GcsObjectMapping.toStoredObject(key, created);
    }
}
