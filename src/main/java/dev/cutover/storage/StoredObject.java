package dev.cutover.storage;

import java.time.Instant;
import java.util.Map;

/**
 * What a store knows of one object.
 *
 * @param crc32c     base64 of the big-endian CRC32C of the whole object (GCS's and S3's format),
 *                   or null when the store cannot tell
 * @param md5        base64 MD5 when known (GCS non-composite objects, S3 single-part ETags), else null
 * @param generation the store's version of the object (GCS generation, S3 ETag or version, file mtime)
 * @param metadata   user metadata; sync writes {@link SyncMetadata} keys into the target's
 */
public record StoredObject(String key, long size, String crc32c, String md5, String generation, Instant updated,
                           Map<String, String> metadata) {

    public StoredObject {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
