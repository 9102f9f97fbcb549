package dev.cutover.dns;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Keeps each DNS step's {@link SavedOriginal} in the service's database, keyed by cutover and step,
 * so a rollback after a restart still knows what to put back. The event log holds the same figures
 * as evidence, but steps cannot read the log. Written once: a retried step keeps its first original.
 */
@Repository
public class SavedOriginals {

    private static final String VALUE_SEPARATOR = "\n";

    private final JdbcClient jdbc;

    SavedOriginals(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stores {@code original} unless this step saved one already, and returns the one that counts:
     * the earlier one if there is one (its keys must be the same), else {@code original}.
     */
    @Transactional
    public SavedOriginal saveUnlessSaved(String cutoverId, String stepId, SavedOriginal original) {
        Optional<SavedOriginal> earlier = find(cutoverId, stepId);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        for (RecordKey key : original.keys()) {
            Optional<RecordSet> found = original.original(key);
            jdbc.sql("""
                    INSERT INTO dns_saved_original (cutover_id, step_id, record_type, connection_name, record_name,
                        present, ttl_seconds, record_values, saved_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(cutoverId, stepId, key.type(), original.connection(), key.name(), found.isPresent(),
                            found.map(RecordSet::ttlSeconds).orElse(null),
                            found.map(set -> String.join(VALUE_SEPARATOR, set.values())).orElse(null),
                            Timestamp.from(original.savedAt()))
                    .update();
        }
        return original;
    }

    public Optional<SavedOriginal> find(String cutoverId, String stepId) {
        List<Row> rows = jdbc.sql("""
                SELECT record_type, connection_name, record_name, present, ttl_seconds, record_values, saved_at
                FROM dns_saved_original WHERE cutover_id = ? AND step_id = ? ORDER BY record_type""")
                .params(cutoverId, stepId).query(SavedOriginals::row).list();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<RecordKey> keys = new ArrayList<>();
        List<RecordSet> found = new ArrayList<>();
        for (Row row : rows) {
            keys.add(new RecordKey(row.name(), row.type()));
            if (row.present()) {
                found.add(new RecordSet(row.name(), row.type(), row.ttlSeconds(),
                        Arrays.asList(row.values().split(VALUE_SEPARATOR))));
            }
        }
        return Optional.of(new SavedOriginal(rows.get(0).connection(), keys, found, rows.get(0).savedAt()));
    }

    private record Row(String type, String connection, String name, boolean present, long ttlSeconds, String values,
                       Instant savedAt) {
    }

    private static Row row(ResultSet rs, int rowNum) throws SQLException {
        return new Row(rs.getString("record_type"), rs.getString("connection_name"), rs.getString("record_name"),
                rs.getBoolean("present"), rs.getLong("ttl_seconds"), rs.getString("record_values"),
                rs.getTimestamp("saved_at").toInstant());
    }
}
