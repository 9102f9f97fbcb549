package dev.cutover.storage.sync;

import dev.cutover.storage.SyncRun;
import dev.cutover.storage.SyncSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Starts, continues, stops and awaits sync and verification runs, each a Spring Batch job
 * execution with its manifest row. A run cut off (stopped, interrupted by a crash) is continued
 * by restarting its execution, which resumes after its last committed chunk.
 */
@Component
class SyncLauncher {

    private final JobOperator jobOperator;
    private final JobRepository jobRepository;
    private final Job storageSyncJob;
    private final Job storageVerifyJob;
    private final Job partitionedSyncJob;
    private final SyncRunRepository runs;
    private final SyncRunStores stores;
    private final SyncStopRequests stops;

    SyncLauncher(JobOperator jobOperator, JobRepository jobRepository, @Qualifier("storageSyncJob") Job storageSyncJob,
               @Qualifier("storageVerifyJob") Job storageVerifyJob,
               @Qualifier("partitionedSyncJob") Job partitionedSyncJob, SyncRunRepository runs, SyncRunStores stores,
               SyncStopRequests stops) {
        this.partitionedSyncJob = partitionedSyncJob;
        this.stores = stores;
        this.stops = stops;
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.storageSyncJob = storageSyncJob;
        this.storageVerifyJob = storageVerifyJob;
        this.runs = runs;
    }

    /**
     * Starts a sync (kind {@code sync}) or a verification (kind {@code verify}) on the given open
     * stores, which the run owns from now on (closed when it ends); returns its run id.
     *
     * @throws SyncRunRepository.AlreadyRunning when a run of the same kind and mapping is running
     */
    long start(SyncRun.Kind kind, SyncSpec spec, SyncStores open, String cutoverId, String stepId, String actor) {
        long runId;
        try {
            runId = runs.create(kind, spec, cutoverId, stepId, actor);
        } catch (RuntimeException refused) {
            open.close();
            throw refused;
        }
        stores.hold(runId, open);
        try {
            jobOperator.start(kind == SyncRun.Kind.VERIFY ? storageVerifyJob
                            : spec.partitioned() ? partitionedSyncJob : storageSyncJob,
                    new JobParametersBuilder().addLong(StorageSyncJobConfiguration.RUN_ID, runId).toJobParameters());
        } catch (Exception e) {
            runs.ended(runId, SyncRun.State.FAILED, "could not launch: " + StoreProblem.plain(e));
            stores.release(runId);
        }
        return runId;
    }

    /**
     * Whether {@link #resume} can continue the run from a checkpoint: it was stopped or interrupted, or it
     * failed before its verification (a store went away, a listing failed) with its Batch execution
     * FAILED. A run that ended with objects it could not copy, or whose verification failed, starts anew.
     */
    boolean resumable(SyncRun run) {
        if (run.jobExecutionId() == null) {
            return false;
        }
        if (run.state().resumable()) {
            return true;
        }
        if (run.state() != SyncRun.State.FAILED) {
            return false;
        }
        JobExecution job = jobRepository.getJobExecution(run.jobExecutionId());
        return job != null && job.getStatus() == BatchStatus.FAILED && job.getStepExecutions().stream()
                .noneMatch(step -> step.getStepName().equals("syncVerifyStep") && step.getStatus() == BatchStatus.FAILED);
    }

    /** Continues a stopped or interrupted run from its last committed chunk, on stores opened again. */
    void resume(SyncRun run, SyncStores open) {
        stores.hold(run.id(), open);
        try {
            JobExecution last = awaitEnded(run.jobExecutionId());
            // RUNNING before the restart returns: the job's beforeJob runs on another thread, and an
            // await() right after this must not read the old STOPPED/INTERRUPTED as how the run ended.
            runs.jobExecution(run.id(), last.getId());
            stops.clear(run.id());
            jobOperator.restart(last);
        } catch (Exception e) {
            runs.ended(run.id(), SyncRun.State.FAILED, "could not resume: " + StoreProblem.plain(e));
            stores.release(run.id());
        }
    }

    /**
     * Asks a running run to stop: its copy step stops between objects (the chunk under way is rolled
     * back, so a resume plans it again); Batch is told too, for the steps that are not copying.
     */
    public void stop(SyncRun run) {
        // Batch first, the flag after: a step that hears the flag at once (the plan checks it per key) ends and
        // saves its execution; if that save ran while JobOperator.stop was updating the same execution, one of
        // them lost the optimistic lock and Batch left the job UNKNOWN ("should not be restarted").
        if (run.jobExecutionId() != null) {
            try {
                jobOperator.stop(jobRepository.getJobExecution(run.jobExecutionId()));
            } catch (Exception alreadyEnded) {
                // nothing to stop
            }
        }
        runs.requestStop(run.id()); // for the instance running it, when that is another one
        stops.request(run.id());
    }

    /**
     * Waits until the run ends; while waiting, asks {@code stopRequested} every 100 ms and
     * stops the run when it says so. Returns the run as it ended.
     */
    public SyncRun await(long runId, Duration timeout, BooleanSupplier stopRequested) throws InterruptedException {
        return await(runId, timeout, stopRequested, run -> { });
    }

    /** As {@link #await(long, Duration, BooleanSupplier)}, telling {@code progress} about the run every few seconds. */
    public SyncRun await(long runId, Duration timeout, BooleanSupplier stopRequested,
                         Consumer<SyncRun> progress) throws InterruptedException {
        long lastProgress = 0;
        Instant deadline = Instant.now().plus(timeout);
        boolean stopping = false;
        while (true) {
            SyncRun run = runs.find(runId).orElseThrow();
            if (!run.running()) {
                return run;
            }
            if (System.currentTimeMillis() - lastProgress >= 2000) {
                progress.accept(run);
                lastProgress = System.currentTimeMillis();
            }
            if (!stopping && (stopRequested.getAsBoolean() || Instant.now().isAfter(deadline))) {
                stop(run);
                stopping = true;
            }
            // A final sync runs inside the write window: a coarse poll would add up to its interval to it.
            Thread.sleep(25);
        }
    }

    public java.util.Optional<SyncRun> latestForStep(String cutoverId, String stepId) {
        return runs.latestForStep(cutoverId, stepId);
    }

    private JobExecution awaitEnded(long executionId) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            JobExecution execution = jobRepository.getJobExecution(executionId);
            if (!execution.isRunning()) {
                return execution;
            }
            Thread.sleep(100);
        }
        return jobRepository.getJobExecution(executionId);
    }
}
