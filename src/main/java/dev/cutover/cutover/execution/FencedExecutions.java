package dev.cutover.cutover.execution;

import dev.cutover.instance.LeaseCheck;
import java.sql.Timestamp;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Marks FAILED the phase and rollback executions a fence ended ({@link ExecutionFence}). The instance
 * that took the cutover over recovered the execution (FAILED); when the fenced instance's step then
 * ends, Batch's own last writes lose their optimistic lock and leave the job execution UNKNOWN, a
 * status Batch never leaves and refuses to restart from. UNKNOWN is terminal (nothing runs such an
 * execution), so at startup and about once a minute (at a lease check) the ones of phase and rollback jobs become
 * FAILED: the phase can be restarted from its step that did not complete, as after any takeover.
 */
@Component
class FencedExecutions {

    private static final Logger log = LoggerFactory.getLogger(FencedExecutions.class);
    private static final String PHASE_JOBS = "SELECT i.JOB_INSTANCE_ID FROM BATCH_JOB_INSTANCE i "
            + "WHERE i.JOB_NAME LIKE 'phase.%' OR i.JOB_NAME LIKE 'rollback.%'";

    private static final long SWEEP_EVERY_NANOS = 60_000_000_000L;

    private final JdbcClient jdbc;
    private volatile long lastSweep = System.nanoTime();

    FencedExecutions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStartup() {
        markFailed();
    }

    /** At most once a minute: off the path of the takeovers the same lease checks drive. */
    @EventListener(LeaseCheck.class)
    void periodically() {
        long now = System.nanoTime();
        if (now - lastSweep >= SWEEP_EVERY_NANOS) {
            lastSweep = now;
            markFailed();
        }
    }

    /** Returns how many job executions it marked FAILED. */
    int markFailed() {
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("UPDATE BATCH_STEP_EXECUTION SET STATUS = 'FAILED', EXIT_CODE = 'FAILED', VERSION = VERSION + 1, "
                        + "END_TIME = COALESCE(END_TIME, ?), LAST_UPDATED = ? WHERE STATUS = 'UNKNOWN' AND JOB_EXECUTION_ID IN ("
                        + "SELECT e.JOB_EXECUTION_ID FROM BATCH_JOB_EXECUTION e WHERE e.JOB_INSTANCE_ID IN (" + PHASE_JOBS + "))")
                .params(now, now).update();
        int jobs = jdbc.sql("UPDATE BATCH_JOB_EXECUTION SET STATUS = 'FAILED', EXIT_CODE = 'FAILED', EXIT_MESSAGE = "
                        + "'ended after its cutover was taken over by another service instance (fenced)', VERSION = VERSION + 1, "
                        + "END_TIME = COALESCE(END_TIME, ?), LAST_UPDATED = ? WHERE STATUS = 'UNKNOWN' AND JOB_INSTANCE_ID IN ("
                        + PHASE_JOBS + ")")
                .params(now, now).update();
        if (jobs > 0) {
            log.info("Marked {} fenced phase or rollback job execution(s) FAILED (Batch had left them UNKNOWN)", jobs);
        }
        return jobs;
    }
}
