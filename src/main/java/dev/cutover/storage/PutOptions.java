package dev.cutover.storage;

import java.util.Map;

/**
 * @param crc32c      the CRC32C the bytes must have (base64, big-endian), or null if unknown
 * @param metadata    user metadata to store with the object
 * @param contentType the content type, or null for {@code application/octet-stream}
 */
public record PutOptions(String crc32c, Map<String, String> metadata, String contentType) {

    public PutOptions {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public static PutOptions withChecksum(String crc32c) {
        return new PutOptions(crc32c, Map.of(), null);
    }
}
