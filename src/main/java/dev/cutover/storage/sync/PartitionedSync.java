package dev.cutover.storage.sync;

import dev.cutover.storage.plan.PlannedObject;
import javax.sql.DataSource;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.integration.config.annotation.EnableBatchIntegration;
import org.springframework.batch.integration.partition.RemotePartitioningManagerStepBuilderFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.jdbc.store.JdbcChannelMessageStore;
import org.springframework.integration.store.MessageGroupQueue;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * A sync whose spec asks for {@code partitions} runs its copy as {@code partitionedSyncJob}: the
 * plan step and the verification as in {@code storageSyncJob}, and between them a manager step of
 * Spring Batch remote partitioning ({@code syncCopyPartitionedStep}) that cuts the key space into spans
 * ({@link KeySpacePartitioner}), sends one request per span on {@code partitionRequests} (a queue channel
 * kept in this service's database, so that every instance sharing it can take requests) and polls the
 * job repository until each partition ended. Each partition is one execution of {@code syncCopyPartition}:
 * the same reader and writer as the whole copy, restricted to its span, with its own checkpoint per
 * chunk. {@link PartitionWorkers} take the requests, on this and any other instance.
 */
@Configuration(proxyBeanMethods = false)
@EnableBatchIntegration
@EnableConfigurationProperties(PartitionSettings.class)
class PartitionedSync {

    static final String WORKER_STEP = "syncCopyPartition";
    static final String MANAGER_STEP = "syncCopyPartitionedStep";
    /** The Java-serialised types a request is made of; anything else in the table is refused, not run. */
    static final String[] REQUEST_TYPES = {
            "org.springframework.messaging.support.GenericMessage",
            "org.springframework.messaging.MessageHeaders",
            "org.springframework.integration.support.MutableMessage",
            "org.springframework.integration.support.MutableMessageHeaders",
            "org.springframework.batch.integration.partition.StepExecutionRequest",
            "java.util.HashMap", "java.util.UUID", "java.lang.Long", "java.lang.Integer", "java.lang.Number",
            "java.lang.String" };

    @Bean
    Job partitionedSyncJob(JobRepository jobs, @Qualifier("syncPlanStep") Step syncPlanStep,
                           @Qualifier(MANAGER_STEP) Step manager, @Qualifier("syncVerifyStep") Step syncVerifyStep,
                           SyncRunRepository runs, SyncRunStores stores, SyncStopRequests stops) {
        return new JobBuilder("partitionedSyncJob", jobs)
                .listener(StorageSyncJobConfiguration.manifestListener(runs, stores, stops::requested))
                .start(syncPlanStep).next(manager).next(syncVerifyStep).build();
    }

    @Bean(MANAGER_STEP)
    Step syncCopyPartitionedStep(RemotePartitioningManagerStepBuilderFactory managers,
                                 @Qualifier("syncPartitioner") Partitioner syncPartitioner,
                                 @Qualifier("partitionRequests") QueueChannel partitionRequests,
                                 PartitionSettings settings) {
        return managers.get(MANAGER_STEP)
                .partitioner(WORKER_STEP, syncPartitioner)
                .outputChannel(partitionRequests)
                // No reply channel: the manager polls the job repository, so a reply can never be lost with a worker.
                .pollInterval(settings.poll().toMillis())
                .timeout(settings.timeout().toMillis()) // without it a lost partition would hold the manager forever
                .build();
    }

    @Bean
    @StepScope
    Partitioner syncPartitioner(@Value("#{jobParameters['runId']}") Long runId, SyncRunRepository runs,
                                SyncRunStores stores, SplitKeyStore splitKeys) {
        return new KeySpacePartitioner(runs.spec(runId), stores.of(runId).source(), splitKeys);
    }

    @Bean
    JdbcChannelMessageStore partitionRequestStore(DataSource dataSource) throws Exception {
        JdbcChannelMessageStore store = new JdbcChannelMessageStore(dataSource);
        store.setRegion("cutover-sync");
        store.setChannelMessageStoreQueryProvider(PartitionRequestQueries.of(dataSource));
        // Once any pattern is named, only named types deserialise: a request whose types were not named would be
        // refused at every poll and stay in the table, polled again forever.
        store.addAllowedPatterns(REQUEST_TYPES);
        return store;
    }

    @Bean
    QueueChannel partitionRequests(JdbcChannelMessageStore partitionRequestStore) {
        return new QueueChannel(new MessageGroupQueue(partitionRequestStore, "sync-partition-requests"));
    }

    /** One partition: the copy step's reader and writer within the partition's span. */
    @Bean(WORKER_STEP)
    Step syncCopyPartition(JobRepository jobs, PlatformTransactionManager transactions,
                           @Qualifier("partitionPlanReader") SyncPlanReader reader,
                           @Qualifier("partitionCopyWriter") SyncCopyWriter writer, PartitionStores stores,
                           SyncRunRepository runs, PartitionsHandedBack handedBack) {
        return new StepBuilder(WORKER_STEP, jobs).<PlannedObject, PlannedObject>chunk(StorageSyncJobConfiguration.CHUNK)
                .transactionManager(transactions)
                .reader(reader)
                .writer(writer)
                .listener(new StepExecutionListener() {
                    // before the reader and writer open (they take the stores lent here), after they closed
                    @Override
                    public void beforeStep(StepExecution execution) {
                        long runId = execution.getJobParameters().getLong(StorageSyncJobConfiguration.RUN_ID);
                        stores.borrow(runId, runs.spec(runId));
                    }

                    @Override
                    public ExitStatus afterStep(StepExecution execution) {
                        stores.giveBack(execution.getJobParameters().getLong(StorageSyncJobConfiguration.RUN_ID));
                        if (execution.getStatus() == BatchStatus.STOPPED && handedBack.asked(execution.getId())) {
                            // Written as the step's end: the manager polling for ended partitions waits on.
                            execution.setStatus(BatchStatus.STARTING);
                        }
                        return null;
                    }
                })
                .build();
    }

    @Bean
    @StepScope
    SyncPlanReader partitionPlanReader(@Value("#{jobParameters['runId']}") Long runId,
                                       @Value("#{stepExecution}") StepExecution step, PartitionStores stores,
                                       SyncRunRepository runs,
                                       @Qualifier("partitionCopyWriter") SyncCopyWriter partitionCopyWriter) {
        return SyncPlanReader.ofRun(runId, stores.lent(runId), runs, partitionCopyWriter::begin)
                .within(KeySpacePartitioner.span(step.getExecutionContext()));
    }

    @Bean
    @StepScope
    SyncCopyWriter partitionCopyWriter(@Value("#{jobParameters['runId']}") Long runId,
                                       @Value("#{stepExecution}") StepExecution step, PartitionStores stores,
                                       SyncRunRepository runs, SyncProgress progress, SyncStopRequests stops,
                                       SyncPartitions partitions, PartitionsHandedBack handedBack) {
        long stepExecutionId = step.getId();
        return SyncCopyWriter.ofRun(runId, stores.lent(runId), runs, progress, stops,
                        () -> handedBack.asked(stepExecutionId))
                .reportingTo((objects, bytes) -> partitions.add(stepExecutionId, objects, bytes));
    }
}
