package dev.cutover.storage.sync;

import dev.cutover.storage.plan.KeySpan;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The partitions of partitioned sync runs ({@code sync_partition}, V18): one row per worker step
 * execution, with its key span, the instance running it, its state and what it copied so far.
 * Batch's step execution holds the checkpoint; this row holds who runs it, for the API and for
 * finding a partition whose worker died.
 */
@Repository
class SyncPartitions {

    enum State { WAITING, RUNNING, COMPLETED, FAILED, STOPPED }

    /** One partition as the API shows it. */
    record Partition(long stepExecutionId, String name, String after, String upTo, String instance, State state,
                     long objects, long bytes, Instant startedAt, Instant endedAt, String message) {

        /** Bytes a second since it started (to its end, or now), 0 before it started. */
        long bytesPerSecond(Instant now) {
            if (startedAt == null) {
                return 0;
            }
            long millis = java.time.Duration.between(startedAt, endedAt != null ? endedAt : now).toMillis();
            return millis <= 0 ? 0 : bytes * 1000 / millis;
        }
    }

    /** A running partition and the instance that runs it. */
    record Running(long stepExecutionId, long runId, String name, String instance) {
    }

    private final JdbcClient jdbc;

    SyncPartitions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A worker took the partition's request: from now on its lease answers for it. A partition handed back
     * (WAITING) keeps its row, its figures and when it first started.
     */
    void running(long stepExecutionId, long runId, String name, KeySpan span, String instance) {
        int resumed = jdbc.sql("""
                UPDATE sync_partition SET instance_id = ?, state = 'RUNNING', ended_at = NULL, message = NULL
                WHERE step_execution_id = ? AND state = 'WAITING'""").params(instance, stepExecutionId).update();
        if (resumed == 1) {
            return;
        }
        jdbc.sql("""
                INSERT INTO sync_partition (step_execution_id, run_id, name, after_key, up_to_key, instance_id, state,
                  started_at)
                VALUES (?, ?, ?, ?, ?, ?, 'RUNNING', ?)""")
                .params(stepExecutionId, runId, name, span.after(), span.upTo(), instance, Timestamp.from(Instant.now()))
                .update();
    }

    /** Whether an earlier attempt of the run's partition of that name ran (and may have copied ahead). */
    boolean attempted(long runId, String name) {
        return jdbc.sql("SELECT COUNT(*) FROM sync_partition WHERE run_id = ? AND name = ?").params(runId, name)
                .query(Long.class).single() > 0;
    }

    /** A committed chunk of the partition: in the chunk's transaction, like the manifest. */
    void add(long stepExecutionId, long objects, long bytes) {
        jdbc.sql("UPDATE sync_partition SET objects = objects + ?, bytes = bytes + ? WHERE step_execution_id = ?")
                .params(objects, bytes, stepExecutionId).update();
    }

    void ended(long stepExecutionId, State state, String message) {
        jdbc.sql("UPDATE sync_partition SET state = ?, ended_at = ?, message = ? WHERE step_execution_id = ?")
                .params(state.name(), Timestamp.from(Instant.now()), clip(message), stepExecutionId).update();
    }

    /** The partition went back to the requests (its worker's instance stops gracefully): another worker takes it. */
    void waiting(long stepExecutionId, String instance, String message) {
        jdbc.sql("""
                UPDATE sync_partition SET state = 'WAITING', message = ?
                WHERE step_execution_id = ? AND state = 'RUNNING' AND instance_id = ?""")
                .params(clip(message), stepExecutionId, instance).update();
    }

    /** Compare-and-set: whether this caller is the one that failed the running partition of that instance. */
    boolean lost(long stepExecutionId, String instance, String message) {
        return jdbc.sql("""
                UPDATE sync_partition SET state = 'FAILED', ended_at = ?, message = ?
                WHERE step_execution_id = ? AND state = 'RUNNING' AND instance_id = ?""")
                .params(Timestamp.from(Instant.now()), clip(message), stepExecutionId, instance).update() == 1;
    }

    /** Runs asked to stop (on whichever instance) of which {@code instance} runs a partition. */
    List<Long> stopsRequestedOfPartitionsOn(String instance) {
        return jdbc.sql("""
                SELECT DISTINCT r.id FROM sync_run r JOIN sync_partition p ON p.run_id = r.id
                WHERE r.state = 'RUNNING' AND r.stop_requested = TRUE AND p.state = 'RUNNING' AND p.instance_id = ?""")
                .param(instance).query(Long.class).list();
    }

    /** Whether a stop is recorded on the run now (a resume clears it in the write that makes it RUNNING). */
    boolean stopRequested(long runId) {
        return jdbc.sql("SELECT COUNT(*) FROM sync_run WHERE id = ? AND stop_requested = TRUE").param(runId)
                .query(Long.class).single() > 0;
    }

    List<Running> running() {
        return jdbc.sql("SELECT step_execution_id, run_id, name, instance_id FROM sync_partition WHERE state = 'RUNNING'")
                .query((rs, row) -> new Running(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4))).list();
    }

    /** The run's partitions, the latest attempt of each name (a restart runs a failed one again). */
    List<Partition> of(long runId) {
        List<Partition> all = jdbc.sql("""
                SELECT step_execution_id, name, after_key, up_to_key, instance_id, state, objects, bytes, started_at,
                  ended_at, message
                FROM sync_partition WHERE run_id = ? ORDER BY name, step_execution_id""")
                .param(runId)
                .query((rs, row) -> new Partition(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), State.valueOf(rs.getString(6)), rs.getLong(7), rs.getLong(8),
                        instant(rs.getTimestamp(9)), instant(rs.getTimestamp(10)), rs.getString(11)))
                .list();
        java.util.Map<String, Partition> latest = new java.util.LinkedHashMap<>();
        all.forEach(partition -> latest.put(partition.name(), partition));
        return List.copyOf(latest.values());
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static String clip(String message) {
        return message == null || message.length() <= 2000 ? message : message.substring(0, 2000);
    }
}
