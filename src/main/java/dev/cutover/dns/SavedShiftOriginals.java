package dev.cutover.dns;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Keeps each {@code dns-shift}'s {@link SavedShiftOriginal} in the service's database, keyed by
 * cutover and step, so a rollback after a restart (or a stop mid-shift) still knows what to put
 * back. Written once: a retried step keeps its first original.
 */
@Repository
class SavedShiftOriginals {

    private static final String VALUE_SEPARATOR = "\n";

    private final JdbcClient jdbc;

    SavedShiftOriginals(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores {@code original} unless this step saved one already, and returns the one that counts. */
    @Transactional
    SavedShiftOriginal saveUnlessSaved(String cutoverId, String stepId, SavedShiftOriginal original) {
        Optional<SavedShiftOriginal> earlier = find(cutoverId, stepId);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        for (RoutedRecordSet set : original.found()) {
            jdbc.sql("""
                    INSERT INTO dns_shift_original (cutover_id, step_id, set_identifier, connection_name, record_name,
                        record_type, weight, ttl_seconds, record_values, saved_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(cutoverId, stepId, set.isWeighted() ? set.setIdentifier() : "", original.connection(),
                            original.key().name(), original.key().type(), set.weight(), set.records().ttlSeconds(),
                            String.join(VALUE_SEPARATOR, set.records().values()), Timestamp.from(original.savedAt()))
                    .update();
        }
        return original;
    }

    Optional<SavedShiftOriginal> find(String cutoverId, String stepId) {
        List<Row> rows = jdbc.sql("""
                SELECT set_identifier, connection_name, record_name, record_type, weight, ttl_seconds, record_values,
                    saved_at
                FROM dns_shift_original WHERE cutover_id = ? AND step_id = ? ORDER BY set_identifier""")
                .params(cutoverId, stepId).query(SavedShiftOriginals::row).list();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Row first = rows.get(0);
        List<RoutedRecordSet> found = rows.stream().map(row -> {
            RecordSet set = new RecordSet(row.name(), row.type(), row.ttlSeconds(),
                    Arrays.asList(row.values().split(VALUE_SEPARATOR)));
            return row.setIdentifier().isEmpty() ? RoutedRecordSet.plain(set)
                    : RoutedRecordSet.weighted(set, row.setIdentifier(), row.weight());
        }).toList();
        return Optional.of(new SavedShiftOriginal(first.connection(), new RecordKey(first.name(), first.type()), found,
                first.savedAt()));
    }

    private record Row(String setIdentifier, String connection, String name, String type, Long weight,
                       long ttlSeconds, String values, Instant savedAt) {
    }

    private static Row row(ResultSet rs, int rowNum) throws SQLException {
        long weight = rs.getLong("weight");
        return new Row(rs.getString("set_identifier"), rs.getString("connection_name"), rs.getString("record_name"),
                rs.getString("record_type"), rs.wasNull() ? null : weight, rs.getLong("ttl_seconds"),
                rs.getString("record_values"), rs.getTimestamp("saved_at").toInstant());
    }
}
