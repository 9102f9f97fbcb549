package dev.cutover.storage.sync;

import dev.cutover.instance.InstanceLeases;
import dev.cutover.instance.LeaseCheck;
import java.time.LocalDateTime;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * A worker killed in the middle of a partition leaves its step execution STARTED, and the manager
 * would wait for it until its timeout. At every lease check (and at startup, for this host's dead
 * processes) a running partition whose worker's lease expired is failed in the job repository, so
 * the manager sees it ended and the run fails resumable; its restart runs only the partitions not
 * COMPLETED, each from its last checkpoint. The row's compare-and-set decides which instance does it.
 */
@Component
class LostPartitions {

    private static final Logger log = LoggerFactory.getLogger(LostPartitions.class);

    private final SyncPartitions partitions;
    private final JobRepository jobRepository;
    private final InstanceLeases instances;

    LostPartitions(SyncPartitions partitions, JobRepository jobRepository, InstanceLeases instances) {
        this.partitions = partitions;
        this.jobRepository = jobRepository;
        this.instances = instances;
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStartup() {
        failLost(true);
    }

    @EventListener(LeaseCheck.class)
    void periodically() {
        failLost(false);
    }

    void failLost(boolean startup) {
        List<SyncPartitions.Running> running = partitions.running();
        if (running.isEmpty()) {
            return;
        }
        Predicate<String> dead = instances.orphans(running.stream().map(SyncPartitions.Running::instance).toList(),
                startup);
        for (SyncPartitions.Running partition : running) {
            if (!partition.instance().equals(instances.self().id()) || startup) {
                if (dead.test(partition.instance())) {
                    fail(partition);
                }
            }
        }
    }

    private void fail(SyncPartitions.Running partition) {
        String why = "partition " + partition.name() + " was lost with worker "
                + instances.describe(partition.instance()) + " (its lease expired); a resume of run "
                + partition.runId() + " runs it again from its last checkpoint";
        if (!partitions.lost(partition.stepExecutionId(), partition.instance(), why)) {
            return;
        }
        StepExecution execution = jobRepository.getStepExecution(partition.stepExecutionId());
        if (execution != null && execution.getStatus().isRunning()) {
            execution.setStatus(BatchStatus.FAILED);
            execution.setExitStatus(ExitStatus.FAILED.addExitDescription(why));
            execution.setEndTime(LocalDateTime.now());
            jobRepository.update(execution);
        }
        log.warn("Sync run {}: {}", partition.runId(), why);
    }
}
