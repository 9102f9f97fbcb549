package dev.cutover.cutover;

import java.time.Instant;

/**
 * A fallback snapshot of a cutover as {@code GET /api/cutovers/{id}/snapshots} lists it.
 *
 * @param location      where the object lies, {@code <store connection>:<bucket>/<key>}
 * @param position      the source position it is consistent with (GTIDs, binlog file:offset), or empty
 * @param restoreCheck  {@code passed}, {@code failed} or {@code not-run}
 */
public record FallbackSnapshot(String stepId, String kind, String connection, String store, String bucket, String key,
                               String location, long sizeBytes, String crc32c, String position, Instant startedAt,
                               Instant finishedAt, String restoreCheck, String restoreDetail) {
}
