package dev.cutover.storage.sync;

import dev.cutover.storage.SyncRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
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

    SyncRecovery(SyncRunRepository runs, JobRepository jobRepository, JobOperator jobOperator) {
        this.runs = runs;
        this.jobRepository = jobRepository;
        this.jobOperator = jobOperator;
    }

    @EventListener(ApplicationReadyEvent.class)
    void recoverInterruptedRuns() {
        for (SyncRun run : runs.inState("RUNNING")) {
            if (run.jobExecutionId() != null) {
                JobExecution execution = jobRepository.getJobExecution(run.jobExecutionId());
                if (execution != null) {
                    jobOperator.recover(execution);
                }
            }
            runs.ended(run.id(), "INTERRUPTED", "the service stopped while this run was running");
            log.warn("Sync run {} ({} -> {}) was interrupted by a stop of the service; it resumes from its last "
                    + "checkpoint when continued", run.id(), run.source(), run.target());
        }
    }
}
