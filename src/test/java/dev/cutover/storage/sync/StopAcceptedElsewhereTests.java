package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.instance.InstanceLeases;
import dev.cutover.testsupport.Api;
import dev.cutover.storage.SyncMode;
import dev.cutover.storage.SyncRun;
import dev.cutover.storage.SyncSpec;
import java.util.List;
import java.util.UUID;
import dev.cutover.testsupport.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A stop accepted on instance A (an operator's, or the final sync pausing the scheduled deltas) reaches
 * a run that copies on this instance B: A's {@code SyncLauncher.stop} only leaves the job execution
 * STOPPING in the shared database (its in-memory request stays on A), so B must read that and stop
 * between objects, not after its chunk. The run is a row of this instance with a real Batch execution;
 * "A" writes what A's {@code SyncLauncher.stop} writes to the database.
 */
class StopAcceptedElsewhereTests extends ServiceTest {

    @Autowired
    JdbcClient jdbc;
    @Autowired
    JobRepository jobRepository;
    @Autowired
    JobOperator jobOperator;
    @Autowired
    SyncStopRequests stops;
    @Autowired
    InstanceLeases leases;
    @Autowired
    SyncRunRepository runs;

    @Test
    void aRunOnThisInstanceHearsAStopWrittenByAnotherWithinASecond() throws Exception {
        JobParameters parameters = new JobParametersBuilder().addString("test", UUID.randomUUID().toString())
                .toJobParameters();
        JobInstance instance = jobRepository.createJobInstance("storageSyncJob-stop-elsewhere", parameters);
        JobExecution execution = jobRepository.createJobExecution(instance, parameters, new ExecutionContext());
        execution.setStatus(BatchStatus.STARTED);
        jobRepository.update(execution);
        long runId = runningHere(execution.getId());
        Api.sleep(600);
        assertThat(stops.requested(runId)).as("nothing asked yet").isFalse();

        // What instance A's SyncLauncher.stop writes to the shared database (its in-memory request stays on A).
        // Failing first, A wrote only the first line: Batch's status, which B did not read (3 s, still copying).
        jobOperator.stop(jobRepository.getJobExecution(execution.getId()));
        runs.requestStop(runId);
        long asked = System.nanoTime();
        while (!stops.requested(runId) && System.nanoTime() - asked < 3_000_000_000L) {
            Api.sleep(20);
        }
        long heardAfter = (System.nanoTime() - asked) / 1_000_000;
        assertThat(stops.requested(runId)).as("the copy writer's stop flag, %d ms after A's stop", heardAfter).isTrue();
        assertThat(heardAfter).as("ms until this instance heard it").isLessThan(1_000);

        runs.jobExecution(runId, execution.getId()); // as a resume records the run RUNNING again
        stops.clear(runId);
        Api.sleep(600);
        assertThat(stops.requested(runId)).as("a resume clears the request for every instance").isFalse();
        runs.ended(runId, SyncRun.State.STOPPED, null);
    }

    /** A run started on this instance (its owner), with the Batch execution it runs. */
    private long runningHere(long jobExecutionId) {
        String bucket = "stop-elsewhere-" + UUID.randomUUID().toString().substring(0, 8);
        long runId = runs.create(SyncRun.Kind.SYNC, new SyncSpec("stop-elsewhere", "local", "src", bucket, "", "dst",
                bucket, "", SyncMode.DELTA, List.of(), List.of(), false, 0, 4), null, null, "scheduler");
        runs.jobExecution(runId, jobExecutionId);
        return runId;
    }
}
