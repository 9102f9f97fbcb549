package dev.cutover.database;

import java.util.Map;

/**
 * The end of a database's write history at one moment, e.g. {@code binlog.000003:1234 gtid 0-1-57}
 * or an oplog timestamp. Two equal positions taken a window apart mean no write landed in between.
 *
 * @param position comparable text; equal text means the same position
 * @param detail the parts for evidence (file, offset, GTID set, oplog time)
 */
public record WritePosition(String position, Map<String, Object> detail) {

    public WritePosition {
        detail = detail == null ? Map.of() : Map.copyOf(detail);
    }

    public boolean sameAs(WritePosition other) {
        return other != null && position.equals(other.position);
    }
}
