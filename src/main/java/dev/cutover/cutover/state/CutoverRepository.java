package dev.cutover.cutover.state;

import dev.cutover.cutover.Cutover;
import dev.cutover.cutover.CutoverState;

import dev.cutover.runbook.RunbookText;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Cutover rows; every change is a compare-and-set on {@code version} so two writers never both win. */
@Repository
public class CutoverRepository {

    /** Every column but the pinned runbook text, which only {@link #pinnedRunbook} reads. */
    private static final String COLUMNS = "id, runbook, environment, rehearsal, state, current_phase, job_execution_id, "
            + "rollback_job_execution_id, version, created_by, created_at, updated_at, runbook_sha256";

    private final JdbcClient jdbc;

    CutoverRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts the cutover with the runbook text it pins (whose hash is {@code cutover.runbookSha256()}),
     * and its events' total at 0; in the caller's transaction (CutoverTransitions#create).
     */
    public void insert(Cutover cutover, RunbookText pinned) {
        jdbc.sql("""
                INSERT INTO cutover (id, runbook, environment, rehearsal, state, current_phase, job_execution_id,
                  rollback_job_execution_id, version, created_by, created_at, updated_at, runbook_file, runbook_text,
                  runbook_sha256)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(cutover.id(), cutover.runbook(), cutover.environment(), cutover.rehearsal(),
                        cutover.state().name(), cutover.currentPhase(), cutover.jobExecutionId(),
                        cutover.rollbackJobExecutionId(), cutover.version(), cutover.createdBy(),
                        ts(cutover.createdAt()), ts(cutover.updatedAt()), pinned.file(), pinned.text(), pinned.sha256())
                .update();
        // Its events' total, bumped by every append (EventLog): GET .../events reads it instead of counting.
        jdbc.sql("INSERT INTO cutover_event_total (cutover_id, events) VALUES (?, 0)").param(cutover.id()).update();
    }

    /** The runbook text the cutover pinned; empty for a cutover created before runbooks were pinned. */
    Optional<RunbookText> pinnedRunbook(String id) {
        return jdbc.sql("SELECT runbook, runbook_file, runbook_text, runbook_sha256 FROM cutover WHERE id = ?").param(id)
                .query((rs, row) -> rs.getString("runbook_text") == null ? null : new RunbookText(rs.getString("runbook"),
                        rs.getString("runbook_file"), rs.getString("runbook_text"), rs.getString("runbook_sha256")))
                .optional();
    }

    public Optional<Cutover> find(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM cutover WHERE id = ?").param(id).query(CutoverRepository::map).optional();
    }

    public List<Cutover> findPage(int limit, int offset) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM cutover ORDER BY created_at DESC, id LIMIT ? OFFSET ?")
                .params(limit, offset).query(CutoverRepository::map).list();
    }

    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM cutover").query(Long.class).single();
    }

    public List<Cutover> findInStates(Collection<CutoverState> states) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM cutover WHERE state IN (:states)")
                .param("states", states.stream().map(Enum::name).toList())
                .query(CutoverRepository::map).list();
    }

    List<Cutover> findByRunbook(String runbook) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM cutover WHERE runbook = ? ORDER BY created_at").param(runbook)
                .query(CutoverRepository::map).list();
    }

    /**
     * Writes {@code next} if the row still has {@code expectedVersion}; the stored version becomes
     * {@code expectedVersion + 1}. Returns false when someone else changed the cutover first.
     */
    public boolean compareAndSet(long expectedVersion, Cutover next) {
        return jdbc.sql("""
                UPDATE cutover SET state = ?, current_phase = ?, job_execution_id = ?, rollback_job_execution_id = ?,
                  version = ?, updated_at = ?
                WHERE id = ? AND version = ?""")
                .params(next.state().name(), next.currentPhase(), next.jobExecutionId(), next.rollbackJobExecutionId(),
                        expectedVersion + 1, ts(Instant.now()), next.id(), expectedVersion)
                .update() == 1;
    }

    /**
     * Like {@link #compareAndSet(long, Cutover)}, and records {@code owner} as the instance that runs
     * the cutover's execution from now on: in the same write, so no moment exists where the cutover
     * runs with the previous (perhaps dead) owner's name on it.
     */
    public boolean compareAndSet(long expectedVersion, Cutover next, String owner) {
        return jdbc.sql("""
                UPDATE cutover SET state = ?, current_phase = ?, job_execution_id = ?, rollback_job_execution_id = ?,
                  version = ?, updated_at = ?, owner_instance = ?
                WHERE id = ? AND version = ?""")
                .params(next.state().name(), next.currentPhase(), next.jobExecutionId(), next.rollbackJobExecutionId(),
                        expectedVersion + 1, ts(Instant.now()), owner, next.id(), expectedVersion)
                .update() == 1;
    }

    /** The instance recorded as running the cutover's execution, if any. */
    public Optional<String> owner(String id) {
        return jdbc.sql("SELECT owner_instance FROM cutover WHERE id = ?").param(id)
                .query((rs, row) -> Optional.ofNullable(rs.getString("owner_instance"))).optional()
                .flatMap(owner -> owner);
    }

    /** The owners recorded on these cutovers, by cutover id (cutovers without one are left out): one query for a list. */
    public java.util.Map<String, String> owners(Collection<String> ids) {
        if (ids.isEmpty()) {
            return java.util.Map.of();
        }
        java.util.Map<String, String> owners = new java.util.HashMap<>();
        jdbc.sql("SELECT id, owner_instance FROM cutover WHERE owner_instance IS NOT NULL AND id IN (:ids)")
                .param("ids", ids).query(rs -> {
                    owners.put(rs.getString("id"), rs.getString("owner_instance"));
                });
        return owners;
    }

    /** A cutover and the instance recorded as running its execution (null: none recorded, a row from before leases). */
    public record Owned(Cutover cutover, String owner) {
    }

    /** Cutovers in these states with their owners. */
    public List<Owned> findOwnedInStates(Collection<CutoverState> states) {
        return jdbc.sql("SELECT " + COLUMNS + ", owner_instance FROM cutover WHERE state IN (:states)")
                .param("states", states.stream().map(Enum::name).toList())
                .query((rs, row) -> new Owned(map(rs, row), rs.getString("owner_instance"))).list();
    }

    public static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    private static Cutover map(ResultSet rs, int row) throws SQLException {
        long jobExecutionId = rs.getLong("job_execution_id");
        Long job = rs.wasNull() ? null : jobExecutionId;
        long rollbackExecutionId = rs.getLong("rollback_job_execution_id");
        Long rollback = rs.wasNull() ? null : rollbackExecutionId;
        return new Cutover(rs.getString("id"), rs.getString("runbook"), rs.getString("environment"),
                rs.getBoolean("rehearsal"), CutoverState.valueOf(rs.getString("state")), rs.getString("current_phase"),
                job, rollback, rs.getLong("version"), rs.getString("created_by"),
                instant(rs, "created_at"), instant(rs, "updated_at"), rs.getString("runbook_sha256"));
    }
}
