package dev.cutover.storage.sync;

import dev.cutover.instance.InstanceLeases;
import dev.cutover.storage.SyncMode;
import dev.cutover.storage.SyncRun;
import dev.cutover.storage.SyncSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Sync manifests, their failures and mismatches. */
@Repository
public class SyncRunRepository {

    /** A counter delta added to a run's manifest at the end of a chunk. */
    public record Counts(long copiedObjects, long copiedBytes, long skippedObjects, long skippedBytes, long failedObjects,
                         long extraObjects, long deletedObjects, long requeuedObjects) {
    }

    /** One line of a mismatch report. */
    public record Mismatch(String key, String kind, Long sourceSize, Long targetSize, String sourceCrc32c,
                           String targetCrc32c) {
    }

    /** Objects and bytes under one top-level prefix, on each side. */
    public record PrefixCount(String prefix, long sourceObjects, long sourceBytes, long targetObjects, long targetBytes) {
    }

    /** Another run of the same mapping is running; {@code runId} is null when it ended a moment ago. */
    public static final class AlreadyRunning extends RuntimeException {
        private final Long runId;

        AlreadyRunning(SyncRun.Kind kind, Long runId) {
            super((kind == SyncRun.Kind.VERIFY ? "verification" : "sync") + " run " + (runId == null ? "" : runId + " ")
                    + "of the same mapping is already running" + (runId == null ? "" : "; watch it at /api/syncs/"
                    + runId + " or wait for it to end before starting another"));
            this.runId = runId;
        }

        public Long runId() {
            return runId;
        }
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    private final InstanceLeases instances;

    SyncRunRepository(JdbcClient jdbc, JsonMapper json, InstanceLeases instances) {
        this.instances = instances;
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Records a new RUNNING run, holding its mapping's active key: the database's unique index
     * refuses a second running run of the same kind and mapping, whichever instance starts it.
     *
     * @throws AlreadyRunning when one is running
     */
    public long create(SyncRun.Kind kind, SyncSpec spec, String cutoverId, String stepId, String actor) {
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        String activeKey = activeKey(kind, spec);
        try {
            jdbc.sql("""
                    INSERT INTO sync_run (kind, mode, state, cutover_id, step_id, runbook, environment, actor, source,
                      target, spec, started_at, active_key, owner_instance)
                    VALUES (?, ?, 'RUNNING', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(kind.text(), spec.mode().name(), cutoverId, stepId, spec.runbook(), spec.environment(), actor,
                            spec.sourceDescription(), spec.targetDescription(), json.writeValueAsString(spec),
                            Timestamp.from(Instant.now()), activeKey, instances.self().id())
                    .update(key, "id");
        } catch (DuplicateKeyException running) {
            throw new AlreadyRunning(kind, runningWith(activeKey));
        }
        return key.getKey().longValue();
    }

    private Long runningWith(String activeKey) {
        return jdbc.sql("SELECT id FROM sync_run WHERE active_key = ?").param(activeKey).query(Long.class)
                .optional().orElse(null);
    }

    /** One mapping: the kind of run, the runbook and environment whose connections it names, source and target. */
    static String activeKey(SyncRun.Kind kind, SyncSpec spec) {
        String mapping = String.join("\n", kind.text(), spec.runbook(), spec.environment(), spec.sourceDescription(),
                spec.targetDescription());
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(mapping.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    public Optional<SyncRun> find(long id) {
        return jdbc.sql("SELECT * FROM sync_run WHERE id = ?").param(id).query(SyncRunRepository::map).optional();
    }

    public SyncSpec spec(long id) {
        String text = jdbc.sql("SELECT spec FROM sync_run WHERE id = ?").param(id).query(String.class).single();
        return json.readValue(text, SyncSpec.class);
    }

    public List<SyncRun> recent(int limit) {
        return jdbc.sql("SELECT * FROM sync_run ORDER BY id DESC LIMIT ?").param(limit).query(SyncRunRepository::map).list();
    }

    public Optional<SyncRun> latestForStep(String cutoverId, String stepId) {
        return jdbc.sql("SELECT * FROM sync_run WHERE cutover_id = ? AND step_id = ? ORDER BY id DESC LIMIT 1")
                .params(cutoverId, stepId).query(SyncRunRepository::map).optional();
    }

    public List<SyncRun> inState(SyncRun.State state) {
        return jdbc.sql("SELECT * FROM sync_run WHERE state = ?").param(state.name()).query(SyncRunRepository::map).list();
    }

    /**
     * The run's job execution, and the run RUNNING again (a resumed run takes its mapping's key back).
     *
     * @throws AlreadyRunning when another run of the mapping started while this one was stopped
     */
    public void jobExecution(long id, long jobExecutionId) {
        SyncRun run = find(id).orElseThrow();
        String activeKey = activeKey(run.kind(), spec(id));
        try {
            jdbc.sql("""
                    UPDATE sync_run SET job_execution_id = ?, state = 'RUNNING', ended_at = NULL, active_key = ?,
                      owner_instance = ?, stop_requested = FALSE
                    WHERE id = ?""")
                    .params(jobExecutionId, activeKey, instances.self().id(), id).update();
        } catch (DuplicateKeyException running) {
            throw new AlreadyRunning(run.kind(), runningWith(activeKey));
        }
    }

    /** Records a stop asked for a running run, for the instance that runs it to read ({@link StopsRequestedElsewhere}). */
    void requestStop(long id) {
        jdbc.sql("UPDATE sync_run SET stop_requested = TRUE WHERE id = ? AND state = 'RUNNING'").param(id).update();
    }

    /** The running runs of {@code owner} asked to stop (on whichever instance). */
    List<Long> stopsRequestedOf(String owner) {
        return jdbc.sql("SELECT id FROM sync_run WHERE state = 'RUNNING' AND stop_requested = TRUE AND owner_instance = ?")
                .param(owner).query(Long.class).list();
    }

    public void planned(long id, long listedObjects, long listedBytes, long plannedObjects, long plannedBytes) {
        jdbc.sql("""
                UPDATE sync_run SET listed_objects = ?, listed_bytes = ?, planned_objects = ?, planned_bytes = ?
                WHERE id = ?""")
                .params(listedObjects, listedBytes, plannedObjects, plannedBytes, id).update();
    }

    /** Adds listed and planned figures counted while the plan streams (delta and final runs). */
    public void addPlanned(long id, long listedObjects, long listedBytes, long plannedObjects, long plannedBytes,
                           long skippedObjects, long skippedBytes) {
        jdbc.sql("""
                UPDATE sync_run SET listed_objects = listed_objects + ?, listed_bytes = listed_bytes + ?,
                  planned_objects = planned_objects + ?, planned_bytes = planned_bytes + ?,
                  skipped_objects = skipped_objects + ?, skipped_bytes = skipped_bytes + ?
                WHERE id = ?""")
                .params(listedObjects, listedBytes, plannedObjects, plannedBytes, skippedObjects, skippedBytes, id)
                .update();
    }

    public void add(long id, Counts counts) {
        jdbc.sql("""
                UPDATE sync_run SET copied_objects = copied_objects + ?, copied_bytes = copied_bytes + ?,
                  skipped_objects = skipped_objects + ?, skipped_bytes = skipped_bytes + ?,
                  failed_objects = failed_objects + ?, extra_objects = extra_objects + ?,
                  deleted_objects = deleted_objects + ?, requeued_objects = requeued_objects + ?
                WHERE id = ?""")
                .params(counts.copiedObjects(), counts.copiedBytes(), counts.skippedObjects(), counts.skippedBytes(),
                        counts.failedObjects(), counts.extraObjects(), counts.deletedObjects(), counts.requeuedObjects(),
                        id)
                .update();
    }

    public void failure(long id, String key, String reason) {
        jdbc.sql("INSERT INTO sync_failure (run_id, object_key, reason) VALUES (?, ?, ?)")
                .params(id, key, reason.length() > 2000 ? reason.substring(0, 2000) : reason).update();
    }

    public List<String[]> failures(long id, int limit) {
        return jdbc.sql("SELECT object_key, reason FROM sync_failure WHERE run_id = ? ORDER BY id LIMIT ?")
                .params(id, limit).query((rs, row) -> new String[] { rs.getString(1), rs.getString(2) }).list();
    }

    /** Forgets what an earlier attempt of the run's verification reported: it starts again from the first key. */
    void verificationStarts(long id) {
        jdbc.sql("DELETE FROM sync_mismatch WHERE run_id = ?").param(id).update();
        jdbc.sql("DELETE FROM sync_prefix_count WHERE run_id = ?").param(id).update();
        jdbc.sql("UPDATE sync_run SET mismatches = 0 WHERE id = ?").param(id).update();
    }

    public void mismatch(long id, Mismatch mismatch) {
        jdbc.sql("""
                INSERT INTO sync_mismatch (run_id, object_key, kind, source_size, target_size, source_crc32c,
                  target_crc32c) VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(id, mismatch.key(), mismatch.kind(), mismatch.sourceSize(), mismatch.targetSize(),
                        mismatch.sourceCrc32c(), mismatch.targetCrc32c())
                .update();
        jdbc.sql("UPDATE sync_run SET mismatches = mismatches + 1 WHERE id = ?").param(id).update();
    }

    /** Streams the mismatch report of a run in key order of discovery, without holding it in memory. */
    public void mismatches(long id, Consumer<Mismatch> each) {
        jdbc.sql("SELECT * FROM sync_mismatch WHERE run_id = ? ORDER BY id").param(id)
                .query((RowCallbackHandler) rs -> each.accept(new Mismatch(rs.getString("object_key"), rs.getString("kind"),
                        rs.getObject("source_size", Long.class), rs.getObject("target_size", Long.class),
                        rs.getString("source_crc32c"), rs.getString("target_crc32c"))));
    }

    public void prefixCounts(long id, List<PrefixCount> counts) {
        for (PrefixCount count : counts) {
            jdbc.sql("""
                    INSERT INTO sync_prefix_count (run_id, prefix, source_objects, source_bytes, target_objects, target_bytes)
                    VALUES (?, ?, ?, ?, ?, ?)""")
                    .params(id, count.prefix(), count.sourceObjects(), count.sourceBytes(), count.targetObjects(),
                            count.targetBytes())
                    .update();
        }
    }

    public List<PrefixCount> prefixCounts(long id) {
        return jdbc.sql("SELECT * FROM sync_prefix_count WHERE run_id = ? ORDER BY prefix").param(id)
                .query((rs, row) -> new PrefixCount(rs.getString("prefix"), rs.getLong("source_objects"),
                        rs.getLong("source_bytes"), rs.getLong("target_objects"), rs.getLong("target_bytes")))
                .list();
    }

    /** A RUNNING run and the instance running it (null: a row from before leases). */
    record Owned(SyncRun run, String owner) {
    }

    List<Owned> runningWithOwners() {
        return jdbc.sql("SELECT * FROM sync_run WHERE state = 'RUNNING'")
                .query((rs, row) -> new Owned(map(rs, row), rs.getString("owner_instance"))).list();
    }

    /**
     * Marks the run INTERRUPTED if it still runs on {@code owner}: false when another instance took it
     * over first or it ended meanwhile. The claim that lets only one standby recover it.
     */
    boolean interruptIfStillOwned(long id, String owner, String message) {
        return jdbc.sql("UPDATE sync_run SET state = 'INTERRUPTED', ended_at = ?, message = ?, active_key = NULL "
                        + "WHERE id = ? AND state = 'RUNNING' AND " + (owner == null ? "owner_instance IS NULL"
                        : "owner_instance = ?"))
                .params(owner == null ? List.of(Timestamp.from(Instant.now()), message, id)
                        : List.of(Timestamp.from(Instant.now()), message, id, owner))
                .update() == 1;
    }

    public void ended(long id, SyncRun.State state, String message) {
        jdbc.sql("UPDATE sync_run SET state = ?, ended_at = ?, message = ?, active_key = NULL WHERE id = ?")
                .params(state.name(), Timestamp.from(Instant.now()),
                        message == null || message.length() <= 2000 ? message : message.substring(0, 2000), id)
                .update();
    }

    private static SyncRun map(ResultSet rs, int row) throws SQLException {
        long execution = rs.getLong("job_execution_id");
        Long jobExecutionId = rs.wasNull() ? null : execution;
        Timestamp ended = rs.getTimestamp("ended_at");
        return new SyncRun(rs.getLong("id"), SyncRun.Kind.of(rs.getString("kind")),
                SyncMode.valueOf(rs.getString("mode")), SyncRun.State.valueOf(rs.getString("state")),
                rs.getString("cutover_id"), rs.getString("step_id"), rs.getString("runbook"), rs.getString("environment"),
                rs.getString("actor"), rs.getString("source"), rs.getString("target"),
                jobExecutionId, rs.getTimestamp("started_at").toInstant(), ended == null ? null : ended.toInstant(),
                rs.getLong("planned_objects"), rs.getLong("planned_bytes"), rs.getLong("listed_objects"),
                rs.getLong("listed_bytes"), rs.getLong("copied_objects"), rs.getLong("copied_bytes"),
                rs.getLong("skipped_objects"), rs.getLong("skipped_bytes"), rs.getLong("failed_objects"),
                rs.getLong("extra_objects"), rs.getLong("deleted_objects"), rs.getLong("requeued_objects"),
                rs.getLong("mismatches"), rs.getString("message"));
    }
}
