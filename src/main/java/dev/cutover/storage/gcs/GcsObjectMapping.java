package dev.cutover.storage.gcs;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import dev.cutover.storage.BucketKeys;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.StoredObject;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** What GCS says about an object, as a {@link StoredObject}; and what a put declares, as a {@link BlobInfo}. */
final class GcsObjectMapping {

    static final String CONTENT_TYPE = "application/octet-stream";

    private GcsObjectMapping() {
    }

    static BlobId blobId(BucketKeys keys, String key) {
        return BlobId.of(keys.bucket(), keys.name(key));
    }

    /** The object's {@code generation}: reading it fails with 404 once that generation is no longer live. */
    static BlobId blobId(BucketKeys keys, String key, long generation) {
        return BlobId.of(keys.bucket(), keys.name(key), generation);
    }

    /**
     * Size, CRC32C (GCS's format is the port's: base64 of the big-endian value; composite objects have one
     * too), MD5 (absent for composite objects), generation as a decimal string, update time, user metadata.
     */
    static StoredObject toStoredObject(String key, BlobInfo blob) {
        Long size = blob.getSize();
        Long generation = blob.getGeneration();
        OffsetDateTime updated = blob.getUpdateTimeOffsetDateTime();
        return new StoredObject(key, size == null ? 0 : size, blob.getCrc32c(), blob.getMd5(),
                generation == null ? null : Long.toString(generation), updated == null ? null : updated.toInstant(),
                metadata(blob.getMetadata()));
    }

    /** The object a put creates: content type, user metadata and, when known, the CRC32C GCS must check. */
    static BlobInfo toBlobInfo(BlobId id, PutOptions options, String crc32c) {
        BlobInfo.Builder info = BlobInfo.newBuilder(id)
                .setContentType(options.contentType() == null ? CONTENT_TYPE : options.contentType());
        if (!options.metadata().isEmpty()) {
            info.setMetadata(options.metadata());
        }
        if (crc32c != null) {
            info.setCrc32c(crc32c);
        }
        return info.build();
    }

    /** The library represents "remove this key" as a null value; a stored object never has one. */
    private static Map<String, String> metadata(Map<String, String> metadata) {
        if (metadata == null) {
            return Map.of();
        }
        Map<String, String> present = new LinkedHashMap<>();
        metadata.forEach((name, value) -> {
            if (name != null && value != null) {
                present.put(name, value);
            }
        });
        return present;
    }
}
