package dev.cutover.step;

import java.time.Instant;

/**
 * A fallback snapshot a step took ({@code mysql-snapshot}, {@code mongo-snapshot}): where the object
 * lies, what it holds and whether it was proven to restore. The cutover module stores every one with
 * the cutover ({@link StepContext#recordSnapshot}) and lists them; nothing ever deletes the object.
 *
 * @param kind          {@code mysql} or {@code mongo}
 * @param connection    the database connection the snapshot was taken of
 * @param store         the object-store connection it was written to
 * @param bucket        the bucket (or directory) in that store
 * @param key           the object's key in the bucket
 * @param size          bytes stored
 * @param crc32c        base64 big-endian CRC32C of the stored bytes
 * @param position      the source's position the snapshot is consistent with (GTIDs and/or binlog
 *                      file:offset, or the oplog time), empty when unknown
 * @param restoreCheck  {@link RestoreCheck#PASSED}, {@link RestoreCheck#FAILED} or {@link RestoreCheck#NOT_RUN}
 * @param restoreDetail one line on the check: tables/collections and rows compared, or what differed
 */
public record Snapshot(String kind, String connection, String store, String bucket, String key, long size,
                       String crc32c, String position, Instant startedAt, Instant finishedAt,
                       RestoreCheck restoreCheck, String restoreDetail) {

    public enum RestoreCheck { PASSED, FAILED, NOT_RUN }

    public Snapshot {
        position = position == null ? "" : position;
        restoreDetail = restoreDetail == null ? "" : restoreDetail;
    }

    public Snapshot withRestoreCheck(RestoreCheck check, String detail) {
        return new Snapshot(kind, connection, store, bucket, key, size, crc32c, position, startedAt, finishedAt, check,
                detail);
    }
}
