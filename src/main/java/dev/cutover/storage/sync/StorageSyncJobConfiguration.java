package dev.cutover.storage.sync;

import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.SyncMode;
import dev.cutover.storage.SyncRun;
import dev.cutover.storage.SyncSpec;
import dev.cutover.storage.plan.KeyFilter;
import dev.cutover.storage.plan.PlannedObject;
import dev.cutover.storage.plan.SyncPlanner;
import java.util.concurrent.ExecutorService;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * {@code storageSyncJob}: {@code syncPlanStep} (full runs: list both sides, count what will move,
 * for the ETA; deltas count as they go), {@code syncCopyStep} (chunks of planned objects, checkpointed per chunk) and
 * {@code syncVerifyStep} (mode final only). {@code storageVerifyJob} is the verification alone.
 * The run's spec (connection names, buckets, filters) comes from its manifest row, by
 * {@code runId}; secrets are resolved when a step opens its stores.
 */
@Configuration(proxyBeanMethods = false)
class StorageSyncJobConfiguration {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StorageSyncJobConfiguration.class);
    static final String RUN_ID = "runId";
    static final int CHUNK = 100;
    private static final ResourcelessTransactionManager NO_TRANSACTION = new ResourcelessTransactionManager();

    @Bean
    Job storageSyncJob(JobRepository jobs, Step syncPlanStep, Step syncCopyStep, Step syncVerifyStep,
                       SyncRunRepository runs, SyncRunStores stores) {
        return new JobBuilder("storageSyncJob", jobs).listener(manifestListener(runs, stores))
                .start(syncPlanStep).next(syncCopyStep).next(syncVerifyStep).build();
    }

    @Bean
    Job storageVerifyJob(JobRepository jobs, Step syncVerifyStep, SyncRunRepository runs, SyncRunStores stores) {
        return new JobBuilder("storageVerifyJob", jobs).listener(manifestListener(runs, stores)).start(syncVerifyStep)
                .build();
    }

    @Bean
    Step syncPlanStep(JobRepository jobs, SyncRunStores stores, SyncRunRepository runs, SyncStopRequests stops,
                      SplitKeyStore splitKeys) {
        return new StepBuilder("syncPlanStep", jobs).tasklet((contribution, chunk) -> {
            long runId = runId(contribution);
            SyncSpec spec = runs.spec(runId);
            if (spec.mode() != SyncMode.FULL) {
                return RepeatStatus.FINISHED; // deltas count as they copy: a second listing would cost more than it tells
            }
            ExecutorService lookups = TargetLookups.of(spec, "sync-plan-");
            ObjectStore target = stores.of(runId).target();
            try (var plan = SyncPlanner.plan(stores.of(runId).source(), target, null, KeyFilter.of(spec),
                    target::stat, lookups)) {
                long[] figures = new long[4];
                long keys = 0;
                SplitKeySampler sampler = new SplitKeySampler();
                for (var planned = plan.iterator(); planned.hasNext(); keys++) {
                    // Batch hears a stop only between tasklet calls: a plan of millions of keys would run on.
                    stops.checkpoint(runId, "plan", keys);
                    PlannedObject next = planned.next();
                    count(next, figures);
                    if (next.source() != null && spec.partitioned()) {
                        sampler.accept(next.key());
                    }
                }
                if (spec.partitioned()) {
                    // This listing is the source as it is now: the partitions about to be cut follow it.
                    splitKeys.replace(SplitKeyStore.mapping(spec), sampler.splits());
                }
                runs.planned(runId, figures[0], figures[1], figures[2], figures[3]);
                runs.add(runId, new SyncRunRepository.Counts(0, 0, figures[0] - figures[2], figures[1] - figures[3],
                        0, 0, 0, 0));
            } finally {
                lookups.shutdownNow();
            }
            return RepeatStatus.FINISHED;
        }, NO_TRANSACTION).build();
    }

    /** Listed objects and bytes, objects and bytes to copy. */
    private static void count(PlannedObject planned, long[] figures) {
        if (planned.source() != null) {
            figures[0]++;
            figures[1] += planned.source().size();
        }
        if (planned.toCopy()) {
            figures[2]++;
            figures[3] += planned.source().size();
        }
    }

    @Bean
    Step syncCopyStep(JobRepository jobs, PlatformTransactionManager transactions, SyncPlanReader syncPlanReader,
                      SyncCopyWriter syncCopyWriter) {
        return new StepBuilder("syncCopyStep", jobs).<PlannedObject, PlannedObject>chunk(CHUNK)
                .transactionManager(transactions)
                .reader(syncPlanReader)
                .writer(syncCopyWriter)
                .build();
    }

    @Bean
    @StepScope
    SyncPlanReader syncPlanReader(@Value("#{jobParameters['runId']}") Long runId, SyncRunStores stores,
                                  SyncRunRepository runs, SyncCopyWriter syncCopyWriter) {
        // The writer is this step's (a step-scoped proxy): copies start as the reader plans them, ahead of
        // their chunk, so that they overlap the listing and the next chunk's first copies overlap the
        // previous chunk's last ones. Copies may run a whole lookahead ahead: while a chunk waits for one
        // large object (16 MiB among 256 KiB ones takes as long as hundreds of them), the other threads go
        // on with what comes after it instead of idling at the chunk's end. A crash loses none of that work:
        // objects copied ahead plan as UNCHANGED on restart.
        return SyncPlanReader.ofRun(runId, stores.of(runId), runs, syncCopyWriter::begin);
    }

    @Bean
    @StepScope
    SyncCopyWriter syncCopyWriter(@Value("#{jobParameters['runId']}") Long runId, SyncRunStores stores,
                                  SyncRunRepository runs, SyncProgress progress, SyncStopRequests stops) {
        return SyncCopyWriter.ofRun(runId, stores.of(runId), runs, progress, stops);
    }

    /** The report is written as it is found and must survive the step's failure: no rollback. */
    @Bean
    Step syncVerifyStep(JobRepository jobs, SyncRunStores stores, SyncRunRepository runs, SyncStopRequests stops,
                        SplitKeyStore splitKeys) {
        return new StepBuilder("syncVerifyStep", jobs).tasklet((contribution, chunk) -> {
            long runId = runId(contribution);
            SyncRun run = runs.find(runId).orElseThrow();
            SyncSpec spec = runs.spec(runId);
            if (run.kind() == SyncRun.Kind.SYNC && spec.mode() != SyncMode.FINAL) {
                return RepeatStatus.FINISHED;
            }
            ExecutorService lookups = TargetLookups.of(spec, "sync-verify-");
            runs.verificationStarts(runId); // a resumed or repeated verification reports afresh, not twice
            try {
                SplitKeySampler sampler = new SplitKeySampler();
                SyncVerifier.Result result = SyncVerifier.verify(stores.of(runId).source(), stores.of(runId).target(),
                        KeyFilter.of(spec), lookups, mismatch -> runs.mismatch(runId, mismatch),
                        keys -> stops.checkpoint(runId, "verification", keys),
                        spec.partitioned() ? sampler::accept : key -> { });
                runs.prefixCounts(runId, result.prefixes());
                if (spec.partitioned()) {
                    // A final run's whole listing keeps the next run's partitions even as the source grows.
                    splitKeys.replace(SplitKeyStore.mapping(spec), sampler.splits());
                }
                if (run.kind() == SyncRun.Kind.VERIFY) {
                    runs.planned(runId, result.sourceObjects(), result.sourceBytes(), 0, 0);
                }
                if (!result.clean()) {
                    throw new VerificationFailed(result.failures() + " object(s) missing or different on the target; "
                            + "see the mismatch report of sync run " + runId);
                }
            } finally {
                lookups.shutdownNow();
            }
            return RepeatStatus.FINISHED;
        }, NO_TRANSACTION).build();
    }

    private static JobExecutionListener manifestListener(SyncRunRepository runs, SyncRunStores stores) {
        return manifestListener(runs, stores, runId -> false);
    }

    /**
     * @param stopHeard whether the run was asked to stop: a partitioned run's partitions stop on their workers,
     *                  whose failure exceptions its execution does not carry
     */
    static JobExecutionListener manifestListener(SyncRunRepository runs, SyncRunStores stores,
                                                 java.util.function.LongPredicate stopHeard) {
        return new JobExecutionListener() {
            @Override
            public void beforeJob(JobExecution execution) {
                runs.jobExecution(execution.getJobParameters().getLong(RUN_ID), execution.getId());
            }

            @Override
            public void afterJob(JobExecution execution) {
                long runId = execution.getJobParameters().getLong(RUN_ID);
                SyncRun run = runs.find(runId).orElseThrow();
                boolean stoppedOnRequest = execution.getAllFailureExceptions().stream()
                        .anyMatch(StorageSyncJobConfiguration::stoppedOnRequest)
                        || execution.getStatus() != BatchStatus.COMPLETED && stopHeard.test(runId);
                SyncRun.State state = stoppedOnRequest ? SyncRun.State.STOPPED : switch (execution.getStatus()) {
                    case COMPLETED -> run.failedObjects() > 0 ? SyncRun.State.FAILED : SyncRun.State.COMPLETED;
                    case STOPPED, STOPPING -> SyncRun.State.STOPPED;
                    default -> SyncRun.State.FAILED;
                };
                String message = execution.getStatus() == BatchStatus.COMPLETED
                        ? (run.failedObjects() > 0 ? run.failedObjects() + " object(s) could not be copied" : null)
                        : stoppedOnRequest ? null
                        : execution.getAllFailureExceptions().stream().map(StoreProblem::reasonOf).findFirst().orElse(null);
                runs.ended(runId, state, message);
                if (stoppedOnRequest || state == SyncRun.State.STOPPED) {
                    LOG.info("sync run {} stopped on request after {} of {} planned object(s) copied; a resume "
                            + "continues from its last checkpoint", runId, run.copiedObjects(), run.plannedObjects());
                }
                stores.release(runId); // a resume opens them again, from its step
            }
        };
    }

    /** However Batch wrapped it: a stop heard by a step (plan, copy, verify) is a stop, not a failure of the run. */
    private static boolean stoppedOnRequest(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SyncStopRequests.Stopped) {
                return true;
            }
        }
        return false;
    }

    private static long runId(StepContribution contribution) {
        return contribution.getStepExecution().getJobParameters().getLong(RUN_ID);
    }

    /** The verification found objects missing or different: the step (and a final sync) fails. */
    static final class VerificationFailed extends RuntimeException {
        VerificationFailed(String message) {
            super(message);
        }
    }

}
