package dev.cutover.storage;

/**
 * User-metadata keys a sync writes on every target object, so a later delta compares source and
 * target without reading a byte: the source's CRC32C and generation at the time of the copy.
 */
public final class SyncMetadata {

    /** The source object's CRC32C (base64) that the target's bytes were checked against. */
    public static final String SOURCE_CRC32C = "cutover-source-crc32c";
    /** The source object's generation that was copied. */
    public static final String SOURCE_GENERATION = "cutover-source-generation";

    private SyncMetadata() {
    }
}
