package dev.cutover.storage.sync;

import dev.cutover.instance.InstanceLeases;
import dev.cutover.instance.LeaseCheck;
import dev.cutover.storage.SyncRun;
import java.util.List;
import java.util.function.Predicate;
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
 * A run whose instance died (kill -9, OOM, a lost host) still shows RUNNING: once that instance's
 * lease has expired, its execution is recovered (so it can be restarted) and the run shows
 * INTERRUPTED until a step or an operator resumes it, continuing after its last committed chunk.
 * Checked at startup (then this instance's own earlier runs and runs from before leases count as
 * dead too) and at every {@link LeaseCheck}, before the cutover recovery, so a sync step that
 * resumes by itself finds its run INTERRUPTED. A live instance's run is never touched.
 */
@Component
class SyncRecovery {

    private static final Logger log = LoggerFactory.getLogger(SyncRecovery.class);

    private final SyncRunRepository runs;
    private final JobRepository jobRepository;
    private final JobOperator jobOperator;
    private final SyncLauncher launcher;
    private final InstanceLeases instances;

    SyncRecovery(SyncRunRepository runs, JobRepository jobRepository, JobOperator jobOperator, SyncLauncher launcher,
                 InstanceLeases instances) {
        this.runs = runs;
        this.launcher = launcher;
        this.jobRepository = jobRepository;
        this.jobOperator = jobOperator;
        this.instances = instances;
    }

    /**
     * On a graceful stop, this instance's runs end STOPPED (resumable) between objects rather than being
     * cut off by the executor's shutdown into a state Batch refuses to restart; another instance's runs
     * go on. That takes well under a second; the bound only keeps a stuck store from holding the
     * shutdown (a run left RUNNING is recovered as INTERRUPTED at the next start, resumable too).
     */
    @EventListener(ContextClosedEvent.class)
    @Order(1)
    void stopRunningRuns() throws InterruptedException {
        List<SyncRun> running = ownRunning();
        running.forEach(launcher::stop);
        long deadline = System.currentTimeMillis() + 10_000;
        while (!running.isEmpty() && !ownRunning().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
    }

    private List<SyncRun> ownRunning() {
        String self = instances.self().id();
        return runs.runningWithOwners().stream().filter(owned -> self.equals(owned.owner()))
                .map(SyncRunRepository.Owned::run).toList();
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(0)
    void recoverAtStartup() {
        recoverOrphans(true);
    }

    @EventListener(LeaseCheck.class)
    @Order(0)
    void recoverPeriodically() {
        recoverOrphans(false);
    }

    void recoverOrphans(boolean startup) {
        List<SyncRunRepository.Owned> running = runs.runningWithOwners();
        Predicate<String> orphan = instances.orphans(running.stream().map(SyncRunRepository.Owned::owner).toList(),
                startup);
        for (SyncRunRepository.Owned owned : running) {
            if (orphan.test(owned.owner())) {
                recover(owned.run(), owned.owner());
            }
        }
    }

    private void recover(SyncRun run, String owner) {
        String why = owner == null || owner.equals(instances.self().id())
                ? "the service stopped while this run was running"
                : "service instance " + instances.describe(owner) + " stopped renewing its lease while this run ran there";
        if (!runs.interruptIfStillOwned(run.id(), owner, why)) {
            return; // another instance took it over first, or it ended
        }
        if (run.jobExecutionId() != null) {
            JobExecution execution = jobRepository.getJobExecution(run.jobExecutionId());
            if (execution != null && execution.isRunning()) {
                jobOperator.recover(execution);
            }
        }
        log.warn("Sync run {} ({} -> {}) was interrupted: {}; it resumes from its last checkpoint when continued",
                run.id(), run.source(), run.target(), why);
    }
}
