package dev.cutover.storage.sync;

import dev.cutover.step.CutoverConnections;
import dev.cutover.step.CutoverEventLog;
import dev.cutover.storage.ObjectStores;
import dev.cutover.storage.SyncMode;
import dev.cutover.storage.SyncRun;
import dev.cutover.storage.SyncSpec;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scheduled delta syncs. A storage-sync step with a {@code schedule} (a Spring cron, six fields)
 * starts its schedule when it succeeds; from then on a delta of the same mapping runs at each
 * fire time, one at a time across service instances (ShedLock on the service's database), as
 * actor {@code scheduler} in the cutover's event log. Schedules pause when the cutover's final
 * sync starts (the write-freeze window has begun) and when the cutover ends.
 */
@Component
class SyncSchedules {

    private static final Logger log = LoggerFactory.getLogger(SyncSchedules.class);
    static final String SCHEDULER = "scheduler";
    /** A start claimed longer ago than this was abandoned (its instance died while starting the run). */
    static final java.time.Duration ABANDONED_CLAIM = java.time.Duration.ofMinutes(2);

    private record Schedule(String cutoverId, String stepId, String cron, Instant nextRunAt, Long lastRunId,
                            boolean lastReported, String spec) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final SyncLauncher syncs;
    private final SyncRunRepository runs;
    private final CutoverEventLog journal;
    /** Given by the cutover module; until a service has one, scheduled deltas cannot open their stores. */
    private final ObjectProvider<CutoverConnections> connections;
    private final ObjectStores stores;
    /** Test seam: runs when a due delta is about to start (between listing the schedules and starting). */
    private volatile java.util.function.BiConsumer<String, String> beforeStart = (cutoverId, stepId) -> { };

    SyncSchedules(JdbcClient jdbc, JsonMapper json, SyncLauncher syncs, SyncRunRepository runs, CutoverEventLog journal,
                  ObjectProvider<CutoverConnections> connections, ObjectStores stores) {
        this.connections = connections;
        this.stores = stores;
        this.jdbc = jdbc;
        this.json = json;
        this.syncs = syncs;
        this.runs = runs;
        this.journal = journal;
    }

    /** Starts (or restarts) the schedule of a storage-sync step after it succeeded. */
    void activate(String cutoverId, String stepId, String cron, SyncSpec fullOrDelta) {
        CronExpression expression = CronExpression.parse(cron);
        SyncSpec delta = new SyncSpec(fullOrDelta.runbook(), fullOrDelta.environment(), fullOrDelta.sourceConnection(),
                fullOrDelta.sourceBucket(), fullOrDelta.sourcePrefix(), fullOrDelta.targetConnection(),
                fullOrDelta.targetBucket(), fullOrDelta.targetPrefix(), SyncMode.DELTA, fullOrDelta.include(),
                fullOrDelta.exclude(), false, 0, fullOrDelta.concurrency(), fullOrDelta.partitions());
        Timestamp next = Timestamp.from(next(expression, Instant.now()));
        int updated = jdbc.sql("""
                UPDATE sync_schedule SET cron = ?, state = 'ACTIVE', next_run_at = ?, spec = ?, paused_reason = NULL
                WHERE cutover_id = ? AND step_id = ?""")
                .params(cron, next, json.writeValueAsString(delta), cutoverId, stepId).update();
        if (updated == 0) {
            jdbc.sql("""
                    INSERT INTO sync_schedule (cutover_id, step_id, cron, state, next_run_at, spec)
                    VALUES (?, ?, ?, 'ACTIVE', ?, ?)""")
                    .params(cutoverId, stepId, cron, next, json.writeValueAsString(delta)).update();
        }
        journal.record(cutoverId, stepId, SCHEDULER, "schedule", "activated", "delta syncs scheduled: " + cron,
                Map.of("cron", cron, "nextRunAt", next.toInstant().toString()));
    }

    /**
     * Pauses every schedule of the cutover, e.g. because its write freeze began. When this returns,
     * no scheduled delta of the cutover starts any more (a start claimed just before has finished),
     * and those still running have stopped after their current chunk.
     */
    void pauseAll(String cutoverId, String reason) {
        int paused = jdbc.sql("""
                UPDATE sync_schedule SET state = 'PAUSED', paused_reason = ? WHERE cutover_id = ? AND state = 'ACTIVE'""")
                .params(reason, cutoverId).update();
        awaitClaimedStarts(cutoverId);
        stopRunningDeltas(cutoverId);
        if (paused > 0) {
            journal.record(cutoverId, null, SCHEDULER, "schedule", "paused", paused + " scheduled delta sync(s) paused: "
                    + reason, Map.of("schedules", paused));
        }
    }

    /** For tests: what to do when a due delta is about to start. */
    void beforeStart(java.util.function.BiConsumer<String, String> hook) {
        this.beforeStart = hook;
    }

    /** Whether the cutover exists at all (its schedules list is empty either way). */
    boolean knowsCutover(String cutoverId) {
        CutoverConnections pinned = connections.getIfAvailable();
        return pinned != null && pinned.exists(cutoverId);
    }

    List<Map<String, Object>> schedules(String cutoverId) {
        return jdbc.sql("SELECT step_id, cron, state, next_run_at, last_run_id, paused_reason FROM sync_schedule "
                        + "WHERE cutover_id = ? ORDER BY step_id").param(cutoverId)
                .query((rs, row) -> {
                    Map<String, Object> schedule = new LinkedHashMap<>();
                    schedule.put("stepId", rs.getString("step_id"));
                    schedule.put("cron", rs.getString("cron"));
                    schedule.put("state", rs.getString("state"));
                    schedule.put("nextRunAt", rs.getTimestamp("next_run_at").toInstant());
                    schedule.put("lastRunId", rs.getObject("last_run_id", Long.class));
                    schedule.put("pausedReason", rs.getString("paused_reason"));
                    return schedule;
                }).list();
    }

    /** One tick: report runs that ended, start the deltas that are due. One instance at a time. */
    @Scheduled(fixedDelayString = "${cutover.storage.schedule-tick:30s}", initialDelayString = "${cutover.storage.schedule-tick:30s}")
    @SchedulerLock(name = "storage-sync-schedules", lockAtMostFor = "10m")
    void tick() {
        for (Schedule schedule : active()) {
            try {
                tick(schedule);
            } catch (RuntimeException e) {
                log.error("Scheduled delta sync {} of cutover {} failed to run", schedule.stepId(), schedule.cutoverId(), e);
            }
        }
    }

    private void tick(Schedule schedule) {
        if (!journal.active(schedule.cutoverId())) {
            pauseAll(schedule.cutoverId(), "the cutover has ended");
            return;
        }
        SyncRun last = schedule.lastRunId() == null ? null : runs.find(schedule.lastRunId()).orElse(null);
        if (last != null && !schedule.lastReported() && !last.running()) {
            report(schedule, last);
        }
        if (last != null && last.running()) {
            return; // one run of a mapping at a time; the next fire time waits for it
        }
        if (Instant.now().isBefore(schedule.nextRunAt())) {
            return;
        }
        beforeStart.accept(schedule.cutoverId(), schedule.stepId());
        if (!claim(schedule)) {
            return; // paused since it was listed (or another instance is starting it): it must not start
        }
        long runId;
        try {
            SyncSpec spec = json.readValue(schedule.spec(), SyncSpec.class);
            // No step runs a scheduled delta: its stores come from the cutover's pinned runbook, not the file as it is now
            CutoverConnections pinned = connections.getIfAvailable();
            if (pinned == null) {
                throw new IllegalStateException("this service has no CutoverConnections (the cutover module's view of a "
                        + "cutover's pinned runbook), so scheduled delta syncs cannot open their stores");
            }
            SyncStores open = SyncStores.open(stores, spec, pinned.of(schedule.cutoverId()));
            runId = syncs.start(SyncRun.Kind.SYNC, spec, open, schedule.cutoverId(), schedule.stepId() + "@schedule",
                    SCHEDULER);
        } catch (SyncRunRepository.AlreadyRunning running) {
            // a run of the same mapping (another step, or one started over the API) has it: skip this fire time
            Instant next = next(CronExpression.parse(schedule.cron()), Instant.now());
            jdbc.sql("UPDATE sync_schedule SET next_run_at = ? WHERE cutover_id = ? AND step_id = ?")
                    .params(Timestamp.from(next), schedule.cutoverId(), schedule.stepId()).update();
            journal.record(schedule.cutoverId(), schedule.stepId(), SCHEDULER, "scheduled-sync", "skipped",
                    "scheduled delta sync skipped: " + running.getMessage(), running.runId() == null ? Map.of()
                            : Map.of("runningSyncRunId", running.runId()));
            return;
        } finally {
            jdbc.sql("UPDATE sync_schedule SET starting_since = NULL WHERE cutover_id = ? AND step_id = ?")
                    .params(schedule.cutoverId(), schedule.stepId()).update();
        }
        Instant next = next(CronExpression.parse(schedule.cron()), Instant.now());
        jdbc.sql("""
                UPDATE sync_schedule SET last_run_id = ?, last_reported = FALSE, next_run_at = ?
                WHERE cutover_id = ? AND step_id = ?""")
                .params(runId, Timestamp.from(next), schedule.cutoverId(), schedule.stepId()).update();
        journal.record(schedule.cutoverId(), schedule.stepId(), SCHEDULER, "scheduled-sync", "started",
                "scheduled delta sync started as sync run " + runId, Map.of("syncRunId", runId, "cron", schedule.cron()));
    }

    /**
     * Claims the start of a due delta in the database, only while its schedule is still ACTIVE: the
     * list of schedules a tick works from may be stale by the time it gets to one of them. A pause
     * (on any instance) waits for a claimed start to finish, so the two exclude each other. A claim
     * older than {@link #ABANDONED_CLAIM} was left by an instance that died while starting.
     */
    private boolean claim(Schedule schedule) {
        Instant now = Instant.now();
        return jdbc.sql("""
                UPDATE sync_schedule SET starting_since = ?
                WHERE cutover_id = ? AND step_id = ? AND state = 'ACTIVE' AND next_run_at <= ?
                  AND (starting_since IS NULL OR starting_since < ?)""")
                .params(Timestamp.from(now), schedule.cutoverId(), schedule.stepId(), Timestamp.from(now),
                        Timestamp.from(now.minus(ABANDONED_CLAIM)))
                .update() == 1;
    }

    /** Waits until no delta of the cutover is being started (claimed before a pause, still starting). */
    private void awaitClaimedStarts(String cutoverId) {
        Instant deadline = Instant.now().plus(ABANDONED_CLAIM);
        while (Instant.now().isBefore(deadline)) {
            int starting = jdbc.sql("""
                    SELECT COUNT(*) FROM sync_schedule WHERE cutover_id = ? AND starting_since IS NOT NULL
                      AND starting_since >= ?""")
                    .params(cutoverId, Timestamp.from(Instant.now().minus(ABANDONED_CLAIM))).query(Integer.class).single();
            if (starting == 0) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a scheduled delta sync to finish starting", e);
            }
        }
    }

    /**
     * Stops the cutover's scheduled deltas that are still running (after their current chunk) and
     * waits for them, so that what paused them (the final sync) has the mapping to itself.
     */
    private void stopRunningDeltas(String cutoverId) {
        for (SyncRun run : runs.inState(SyncRun.State.RUNNING)) {
            if (cutoverId.equals(run.cutoverId()) && run.stepId() != null && run.stepId().endsWith("@schedule")) {
                try {
                    syncs.await(run.id(), java.time.Duration.ZERO, () -> true);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while stopping scheduled delta sync " + run.id(), e);
                }
            }
        }
    }

    private void report(Schedule schedule, SyncRun run) {
        journal.record(schedule.cutoverId(), schedule.stepId(), SCHEDULER, "scheduled-sync",
                run.state() == SyncRun.State.COMPLETED ? "succeeded" : "failed",
                "scheduled delta sync " + run.id() + " " + run.state().inWords() + ": copied " + run.copiedObjects()
                        + " objects (" + run.copiedBytes() + " bytes)" + (run.message() == null ? "" : "; " + run.message()),
                run.evidence());
        jdbc.sql("UPDATE sync_schedule SET last_reported = TRUE WHERE cutover_id = ? AND step_id = ?")
                .params(schedule.cutoverId(), schedule.stepId()).update();
    }

    private List<Schedule> active() {
        return jdbc.sql("SELECT * FROM sync_schedule WHERE state = 'ACTIVE'")
                .query((rs, row) -> new Schedule(rs.getString("cutover_id"), rs.getString("step_id"), rs.getString("cron"),
                        rs.getTimestamp("next_run_at").toInstant(), rs.getObject("last_run_id", Long.class),
                        rs.getBoolean("last_reported"), rs.getString("spec")))
                .list();
    }

    private static Instant next(CronExpression cron, Instant after) {
        return cron.next(after.atZone(ZoneOffset.UTC)).toInstant();
    }
}
