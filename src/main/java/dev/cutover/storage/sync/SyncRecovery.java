package dev.cutover.storage.sync;

import dev.cutover.storage.SyncRun;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * At startup no sync runs yet: a run still marked RUNNING was cut off by a crash. Its execution
 * is recovered (so it can be restarted) and the run shows INTERRUPTED until a step or an operator
 * resumes it, continuing after its last committed chunk.
 */
@Component
class SyncRecovery {

    private static final Logger log = LoggerFactory.getLogger(SyncRecovery.class);

    private final SyncRunRepository runs;
    private final JobRepository jobRepository;
    private final JobOperator jobOperator;
    private final SyncLauncher launcher;

    SyncRecovery(SyncRunRepository runs, JobRepository jobRepository, JobOperator jobOperator, SyncLauncher launcher) {
        this.runs = runs;
        this.launcher = launcher;
        this.jobRepository = jobRepository;
        this.jobOperator = jobOperator;
    }

    /**
     * On a graceful stop, runs end STOPPED (resumable) between objects rather than being cut off by the
     * executor's shutdown into a state Batch refuses to restart. That takes well under a second; the
     * bound only keeps a stuck store from holding the shutdown (a run left RUNNING is recovered as
     * INTERRUPTED at the next start, resumable too).
     */
    @EventListener(ContextClosedEvent.class)
    @Order(1)
    void stopRunningRuns() throws InterruptedException {
        List<SyncRun> running = runs.inState(SyncRun.State.RUNNING);
        running.forEach(launcher::stop);
        long deadline = System.currentTimeMillis() + 10_000;
        while (!running.isEmpty() && !runs.inState(SyncRun.State.RUNNING).isEmpty()
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    void recoverInterruptedRuns() {
        for (SyncRun run : runs.inState(SyncRun.State.RUNNING)) {
            if (run.jobExecutionId() != null) {
                JobExecution execution = jobRepository.getJobExecution(run.jobExecutionId());
                if (execution != null) {
                    jobOperator.recover(execution);
                }
            }
            runs.ended(run.id(), SyncRun.State.INTERRUPTED, "the service stopped while this run was running");
            log.warn("Sync run {} ({} -> {}) was interrupted by a stop of the service; it resumes from its last "
                    + "checkpoint when continued", run.id(), run.source(), run.target());
        }
    }
}
