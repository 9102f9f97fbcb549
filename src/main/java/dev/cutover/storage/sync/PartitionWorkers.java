package dev.cutover.storage.sync;

import dev.cutover.DaemonThreads;
import dev.cutover.instance.InstanceLeases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs partitions of syncs on this instance: {@code workers} threads, each taking one request from
 * {@code partitionRequests} only when it is free, running that partition to its end, then taking the
 * next. Batch's own worker side ({@code RemotePartitioningWorkerStepBuilder}) subscribes the step to the
 * channel through a poller; with a task executor on it the poller hands every waiting request to the
 * executor's queue at once, so the first worker up takes all partitions and the others idle. Taking a
 * request only when a thread is free spreads them over the instances.
 * <p>
 * Taking the request (its row deleted) and recording the partition as running in {@code sync_partition}
 * commit in one transaction: a worker that dies or fails between the two leaves the request in the table
 * for another worker, never a partition STARTING that no worker names, which the manager would wait for
 * until its timeout. The poll locks the row and other workers skip it ({@link PartitionRequestQueries}).
 * The partition runs after the commit, in its own chunk transactions; a worker that dies from then on
 * leaves it running under its name, and {@link LostPartitions} fails it once the worker's lease ran out,
 * so that a restart runs it again.
 * <p>
 * A request is run only while its job execution is STARTED and its partition STARTING: one left in
 * the table for an execution that failed or was recovered meanwhile is dropped, not run.
 */
@Component
class PartitionWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PartitionWorkers.class);
    /** How long a graceful stop waits for the partitions under way to stop between objects. */
    static final Duration HAND_BACK_WAIT = Duration.ofSeconds(10);

    private final QueueChannel requests;
    private final JobRepository jobRepository;
    private final Step partitionStep;
    private final SyncPartitions partitions;
    private final InstanceLeases instances;
    private final PartitionSettings settings;
    private final SyncRunStores runStores;
    private final SyncStopRequests stops;
    private final TransactionTemplate taking;
    private final PartitionsHandedBack handedBack;
    private final List<Thread> threads = new ArrayList<>();
    /** The partition each worker thread runs now. */
    private final Map<Thread, StepExecution> underWay = new ConcurrentHashMap<>();
    private volatile boolean running;

    PartitionWorkers(@Qualifier("partitionRequests") QueueChannel requests, JobRepository jobRepository,
                     @Qualifier(PartitionedSync.WORKER_STEP) Step partitionStep, SyncPartitions partitions,
                     InstanceLeases instances, PartitionSettings settings, SyncRunStores runStores,
                     SyncStopRequests stops, PlatformTransactionManager transactions, PartitionsHandedBack handedBack) {
        this.handedBack = handedBack;
        this.taking = new TransactionTemplate(transactions);
        this.runStores = runStores;
        this.stops = stops;
        this.requests = requests;
        this.jobRepository = jobRepository;
        this.partitionStep = partitionStep;
        this.partitions = partitions;
        this.instances = instances;
        this.settings = settings;
    }

    @Override
    public synchronized void start() {
        running = true;
        ThreadFactory factory = DaemonThreads.numbered("sync-partition-worker-");
        for (int i = 0; i < settings.workers(); i++) {
            Thread thread = factory.newThread(this::work);
            threads.add(thread);
            thread.start();
        }
    }

    private void work() {
        while (running) {
            try {
                Taken taken = taking.execute(status -> take());
                if (!taken.any()) {
                    Thread.sleep(settings.poll().toMillis());
                } else if (taken.partition() != null) {
                    run(taken.partition(), taken.request());
                }
            } catch (InterruptedException stopping) {
                return;
            } catch (RuntimeException failure) {
                log.warn("Could not take or run a partition request; trying again", failure);
                sleepQuietly();
            }
        }
    }

    /**
     * What one poll gave: no request waiting, a request dropped, or a partition now recorded as running.
     *
     * @param any whether a request was waiting (if not, the worker sleeps before the next poll)
     */
    private record Taken(boolean any, StepExecution partition, StepExecutionRequest request) {
        static final Taken NOTHING = new Taken(false, null, null);
        static final Taken DROPPED = new Taken(true, null, null);
    }

    /** In the taking transaction: the request's row is deleted only if its partition is recorded as running. */
    private Taken take() {
        Message<?> message = requests.receive(0);
        if (message == null) {
            return Taken.NOTHING;
        }
        if (message.getPayload() instanceof StepExecutionRequest request) {
            StepExecution partition = claim(request);
            return partition == null ? Taken.DROPPED : new Taken(true, partition, request);
        }
        log.warn("Dropped a message on the partition requests that is not a partition request: {}",
                message.getPayload().getClass().getName());
        return Taken.DROPPED;
    }

    /**
     * Records the request's partition as running on this instance, unless its execution is no longer waiting
     * for it; the partition, or null when the request is to be dropped.
     */
    private StepExecution claim(StepExecutionRequest request) {
        StepExecution partition = jobRepository.getStepExecution(request.getStepExecutionId());
        if (partition == null) {
            log.warn("Dropped the request for partition {}: no such step execution", request.getStepExecutionId());
            return null;
        }
        JobExecution job = partition.getJobExecution();
        if (job.getStatus() != BatchStatus.STARTED || partition.getStatus() != BatchStatus.STARTING) {
            log.info("Dropped the request for partition {} ({}): its job execution is {} and the partition {}; "
                            + "only a waiting partition of a running execution is run", partition.getStepName(),
                    partition.getId(), job.getStatus(), partition.getStatus());
            return null;
        }
        long runId = partition.getJobParameters().getLong(StorageSyncJobConfiguration.RUN_ID);
        if (!runStores.holds(runId) && stops.requested(runId) && !partitions.stopRequested(runId)) {
            stops.clear(runId); // heard here for an earlier attempt of the run, which has been resumed since
        }
        if (partitions.attempted(runId, partition.getStepName())) {
            partition.getExecutionContext().putString(SyncPlanReader.RESUMED, "true");
        }
        partitions.running(partition.getId(), runId, partition.getStepName(),
                KeySpacePartitioner.span(partition.getExecutionContext()), instances.self().id());
        return partition;
    }

    /** Runs a claimed partition to its end, outside the taking transaction (each chunk commits its own). */
    private void run(StepExecution partition, StepExecutionRequest request) {
        if (!running) {
            handBack(partition, request); // taken just as this instance began to stop
            return;
        }
        String message = null;
        underWay.put(Thread.currentThread(), partition);
        if (!running) { // the stop began between the check above and this partition being listed
            handedBack.ask(partition.getId());
            partition.setTerminateOnly();
        }
        try {
            partitionStep.execute(partition);
        } catch (Throwable failure) {
            // Batch records a step's own failures; this is what it could not record (the repository itself).
            partition.addFailureException(failure);
            partition.setStatus(BatchStatus.FAILED);
            message = StoreProblem.plain(failure);
            try {
                jobRepository.update(partition);
            } catch (RuntimeException alsoFailed) {
                log.warn("Could not record the failure of partition {}", partition.getId(), alsoFailed);
            }
        } finally {
            underWay.remove(Thread.currentThread());
        }
        if (partition.getStatus() == BatchStatus.STARTING && handedBack.asked(partition.getId())) {
            handBack(partition, request);
            return;
        }
        if (message == null && !partition.getFailureExceptions().isEmpty()) {
            message = StoreProblem.reasonOf(partition.getFailureExceptions().get(0));
        }
        partitions.ended(partition.getId(), switch (partition.getStatus()) {
            case COMPLETED -> SyncPartitions.State.COMPLETED;
            case STOPPED, STOPPING -> SyncPartitions.State.STOPPED;
            default -> SyncPartitions.State.FAILED;
        }, message);
    }

    /**
     * Puts the partition's request back, in one transaction with its row going WAITING: another worker (of
     * an instance that runs on) takes it and continues from the partition's last checkpoint. If this fails,
     * the partition stays RUNNING under this instance's name and is failed once its lease ends, as if the
     * instance had died: the run then fails resumable.
     */
    private void handBack(StepExecution partition, StepExecutionRequest request) {
        try {
            taking.executeWithoutResult(status -> {
                partitions.waiting(partition.getId(), instances.self().id(), "handed back by service instance "
                        + instances.self().id() + " as it stopped; the next worker continues it from its last checkpoint");
                requests.send(MessageBuilder.withPayload(request).build());
            });
            log.info("Handed partition {} ({}) back for another worker: this instance is stopping",
                    partition.getStepName(), partition.getId());
        } catch (RuntimeException e) {
            log.warn("Could not hand partition {} back; it is failed when this instance's lease ends",
                    partition.getId(), e);
        } finally {
            handedBack.forget(partition.getId());
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(settings.poll().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A graceful stop hands the partitions under way back (each stops between objects, its chunk rolled
     * back, and goes back to the requests) rather than failing them and with them their run; a partition
     * that does not stop within {@link #HAND_BACK_WAIT} is cut off, and fails as before.
     */
    @Override
    public synchronized void stop() {
        running = false;
        underWay.forEach((thread, partition) -> {
            handedBack.ask(partition.getId());
            partition.setTerminateOnly();
        });
        long deadline = System.nanoTime() + HAND_BACK_WAIT.toNanos();
        try {
            for (Thread thread : threads) {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        threads.forEach(Thread::interrupt);
        threads.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
