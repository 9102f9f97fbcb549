package dev.cutover.cutover.state;

import static dev.cutover.cutover.state.CutoverRepository.instant;
import static dev.cutover.cutover.state.CutoverRepository.ts;

import dev.cutover.cutover.FallbackSnapshot;
import dev.cutover.step.Snapshot;
import java.util.List;
import java.util.Locale;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The fallback snapshots of cutovers ({@code fallback_snapshot}): inserted once, read back, never deleted. */
@Repository
public class FallbackSnapshotRepository {

    private final JdbcClient jdbc;

    FallbackSnapshotRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(String cutoverId, String stepId, Snapshot snapshot) {
        jdbc.sql("""
                INSERT INTO fallback_snapshot (cutover_id, step_id, kind, connection_name, store, bucket, object_key,
                  size_bytes, crc32c, source_position, started_at, finished_at, restore_check, restore_detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(cutoverId, stepId, snapshot.kind(), snapshot.connection(), snapshot.store(), snapshot.bucket(),
                        snapshot.key(), snapshot.size(), snapshot.crc32c(), snapshot.position(), ts(snapshot.startedAt()),
                        ts(snapshot.finishedAt()), snapshot.restoreCheck().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                        snapshot.restoreDetail())
                .update();
    }

    /** The cutover's snapshots, oldest first. */
    public List<FallbackSnapshot> find(String cutoverId) {
        return jdbc.sql("SELECT * FROM fallback_snapshot WHERE cutover_id = ? ORDER BY id").param(cutoverId)
                .query((rs, row) -> new FallbackSnapshot(rs.getString("step_id"), rs.getString("kind"),
                        rs.getString("connection_name"), rs.getString("store"), rs.getString("bucket"),
                        rs.getString("object_key"), rs.getString("store") + ":" + rs.getString("bucket") + "/"
                        + rs.getString("object_key"), rs.getLong("size_bytes"), rs.getString("crc32c"),
                        rs.getString("source_position"), instant(rs, "started_at"), instant(rs, "finished_at"),
                        rs.getString("restore_check"), rs.getString("restore_detail")))
                .list();
    }
}
