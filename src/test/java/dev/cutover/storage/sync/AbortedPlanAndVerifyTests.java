package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.storage.SyncRun;
import dev.cutover.testpeers.TestPeers;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import dev.cutover.testsupport.ThrottledRelay;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An engineer aborts a cutover while a full sync still plans, or while a verification compares: both
 * look up every target object (S3 lists no checksums) through a slow link (S3Mock behind a 12 KB/s
 * relay), which would take about half a minute. The step must hear the stop between keys and end
 * STOPPED (restartable) within seconds, not when its listing is done: Batch hears a stop only between
 * calls of a tasklet, and the plan and the verification are one call each.
 */
class AbortedPlanAndVerifyTests extends ServiceTest {

    private static final int OBJECTS = 500;
    private static final long STOP_WITHIN_MILLIS = 2_000;

    @Autowired
    SyncRunRepository runs;

    @Autowired
    JobRepository jobRepository;

    @Test
    void anAbortStopsAPlanBetweenKeys() throws Exception {
        abortWhileIn("plan", "syncPlanStep", "storage-sync", "mode: full, ");
    }

    @Test
    void anAbortStopsAVerificationBetweenKeys() throws Exception {
        abortWhileIn("verify", "syncVerifyStep", "storage-verify", "");
    }

    private void abortWhileIn(String name, String batchStep, String stepType, String extra) throws Exception {
        String bucket = "abort-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        URI s3Endpoint = TestPeers.s3Endpoint();
        Path source = RUNBOOKS.work().resolve("abort-" + name + "-src/assets");
        try (S3Client s3 = TestPeers.s3Client(); ThrottledRelay slowLink = new ThrottledRelay(
                new InetSocketAddress(s3Endpoint.getHost(), s3Endpoint.getPort()), 12 * 1024)) {
            s3.createBucket(b -> b.bucket(bucket));
            sameObjectsOnBothSides(s3, bucket, source);
            addRunbook("abort-" + name + ".yaml", """
                    name: abort-%s
                    description: A step that looks up every target object over a slow link, aborted on the way
                    environments:
                      local:
                        connections:
                          src: { type: filesystem, root: "%s" }
                          s3: { type: s3, region: us-east-1, endpoint: "http://127.0.0.1:%d", pathStyle: "true", accessKeyId: test, secretAccessKey: test }
                    phases:
                      - name: data
                        steps:
                          - id: slow-%s
                            type: %s
                            timeout: 30m
                            with: { source: src, sourceBucket: assets, target: s3, targetBucket: %s, %sconcurrency: 4 }
                    """.formatted(name, source.getParent(), slowLink.port(), name, stepType, bucket, extra));
            String cutover = createCutover("abort-" + name);
            assertThat(api.post("operator", "/api/cutovers/" + cutover + "/phases/data/start", null).status())
                    .isEqualTo(202);
            SyncRun run = awaitStepStarted(cutover, "slow-" + name, batchStep);
            Api.sleep(1_000); // well into the lookups

            Api.Answer abort = api.post("approver", "/api/cutovers/" + cutover + "/abort", null);
            long asked = System.nanoTime();
            assertThat(abort.status()).as(abort.text()).isEqualTo(202);
            while (runs.find(run.id()).orElseThrow().running()
                    && System.nanoTime() - asked < 4 * STOP_WITHIN_MILLIS * 1_000_000) {
                Api.sleep(50);
            }
            long stoppedAfter = (System.nanoTime() - asked) / 1_000_000;
            SyncRun ended = runs.find(run.id()).orElseThrow();
            assertThat(ended.state()).as("sync run %d %d ms after the abort during its %s", run.id(), stoppedAfter,
                    batchStep).isEqualTo(SyncRun.State.STOPPED);
            assertThat(stoppedAfter).as("ms from the abort to the run's end").isLessThan(STOP_WITHIN_MILLIS);
            assertThat(ended.message()).as("a stop is not a failure").isNull();
            JobExecution job = jobRepository.getJobExecution(ended.jobExecutionId());
            assertThat(job.getStatus()).as("the job execution").isEqualTo(BatchStatus.STOPPED);
            assertThat(job.getStepExecutions()).filteredOn(step -> step.getStepName().equals(batchStep))
                    .singleElement().satisfies(step -> {
                        assertThat(step.getStatus()).as("a stopped step is restarted on resume")
                                .isEqualTo(BatchStatus.STOPPED);
                        assertThat(step.getEndTime()).isNotNull();
                    });
        }
    }

    /** Waits for the step's run and for Batch to be in {@code batchStep}. */
    private SyncRun awaitStepStarted(String cutover, String stepId, String batchStep) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            var run = runs.latestForStep(cutover, stepId);
            if (run.isPresent() && run.get().jobExecutionId() != null) {
                JobExecution job = jobRepository.getJobExecution(run.get().jobExecutionId());
                if (job.getStepExecutions().stream().anyMatch(step -> step.getStepName().equals(batchStep)
                        && step.getStatus() == BatchStatus.STARTED)) {
                    return run.get();
                }
            }
            assertThat(System.currentTimeMillis()).as(batchStep + " of " + stepId + " starts").isLessThan(deadline);
            Api.sleep(50);
        }
    }

    /** The same small objects in the source directory and the bucket (put straight to S3Mock, not through the relay). */
    private static void sameObjectsOnBothSides(S3Client s3, String bucket, Path dir) throws Exception {
        ExecutorService puts = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < OBJECTS; i++) {
                String key = String.format("img/%04d.bin", i);
                byte[] data = ("object " + i).getBytes();
                Path file = dir.resolve(key);
                Files.createDirectories(file.getParent());
                Files.write(file, data);
                done.add(puts.submit(() -> s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data))));
            }
            for (Future<?> put : done) {
                put.get();
            }
        } finally {
            puts.shutdownNow();
        }
    }
}
