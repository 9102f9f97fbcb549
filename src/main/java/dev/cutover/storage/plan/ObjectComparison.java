package dev.cutover.storage.plan;

import dev.cutover.storage.StoredObject;
import dev.cutover.storage.SyncMetadata;

/**
 * Decides whether a target object holds the source object's bytes, without reading bytes:
 * sizes first; then the source generation and CRC32C the sync recorded on the target; then the
 * target's own CRC32C; then MD5 where both sides have one (S3 single-part ETags, GCS md5Hash).
 * A checksum that cannot be established is never replaced by "same size": such an object is
 * CHANGED (to copy, which records the checksum) and, for verification, a mismatch.
 */
public final class ObjectComparison {

    /** The outcome; {@code needsTargetDetails} when the target's listing lacked what a stat would give. */
    public record Verdict(Difference difference, String reason, boolean needsTargetDetails) {
    }

    private ObjectComparison() {
    }

    public static Verdict compare(StoredObject source, StoredObject target) {
        if (source.size() != target.size()) {
            return new Verdict(Difference.CHANGED, "size " + target.size() + " on target, " + source.size() + " on source",
                    false);
        }
        String recordedGeneration = target.metadata().get(SyncMetadata.SOURCE_GENERATION);
        String recordedCrc = target.metadata().get(SyncMetadata.SOURCE_CRC32C);
        if (source.crc32c() != null && recordedCrc != null) {
            return source.crc32c().equals(recordedCrc)
                    ? new Verdict(Difference.UNCHANGED, "CRC32C recorded at copy matches", false)
                    : new Verdict(Difference.CHANGED, "CRC32C changed since the last copy", false);
        }
        if (source.crc32c() != null && target.crc32c() != null) {
            return source.crc32c().equals(target.crc32c())
                    ? new Verdict(Difference.UNCHANGED, "CRC32C matches", false)
                    : new Verdict(Difference.CHANGED, "CRC32C differs", false);
        }
        if (source.md5() != null && target.md5() != null) {
            return source.md5().equals(target.md5())
                    ? new Verdict(Difference.UNCHANGED, "MD5 matches", false)
                    : new Verdict(Difference.CHANGED, "MD5 differs", false);
        }
        if (source.crc32c() == null && recordedGeneration != null && recordedGeneration.equals(source.generation())) {
            return new Verdict(Difference.UNCHANGED, "source generation already copied (source has no CRC32C)", false);
        }
        boolean targetCouldTellMore = target.metadata().isEmpty() && target.crc32c() == null;
        return new Verdict(Difference.CHANGED, source.crc32c() == null ? "source has no CRC32C" : "target has no checksum",
                targetCouldTellMore);
    }
}
