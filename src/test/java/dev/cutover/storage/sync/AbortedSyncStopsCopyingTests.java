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
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An engineer aborts a cutover while its sync copies over a slow link (S3Mock behind a 40 KB/s
 * relay): the copying stops within seconds, between objects, not after a chunk that would take
 * many more seconds; the run and its Batch executions end (none left STARTED), and nothing that
 * was not written is counted. Spring Batch 6's {@code JobOperator.stop()} alone marks the job
 * STOPPED at once while its step goes on copying (spring-batch#5114).
 */
@ExtendWith(OutputCaptureExtension.class)
class AbortedSyncStopsCopyingTests extends ServiceTest {

    private static final int OBJECTS = 200;

    @Autowired
    SyncRunRepository runs;

    @Autowired
    JobRepository jobRepository;

    @Test
    void anAbortStopsTheCopyWithinSecondsAndLeavesNothingRunning(CapturedOutput output) throws Exception {
        String bucket = "abort-" + UUID.randomUUID().toString().substring(0, 8);
        URI s3Endpoint = TestPeers.s3Endpoint();
        try (S3Client s3 = TestPeers.s3Client(); ThrottledRelay slowLink = new ThrottledRelay(
                new InetSocketAddress(s3Endpoint.getHost(), s3Endpoint.getPort()), 40 * 1024)) {
            s3.createBucket(b -> b.bucket(bucket));
            writeSourceObjects(RUNBOOKS.work().resolve("abort-src/assets"), OBJECTS, 4 * 1024);
            addRunbook("abort-sync.yaml", """
                    name: abort-sync
                    description: A full sync over a slow link, aborted while it copies
                    environments:
                      local:
                        connections:
                          src: { type: filesystem, root: "@WORK@/abort-src" }
                          s3: { type: s3, region: us-east-1, endpoint: "http://127.0.0.1:%d", pathStyle: "true", accessKeyId: test, secretAccessKey: test }
                    phases:
                      - name: data
                        steps:
                          - id: slow-sync
                            type: storage-sync
                            timeout: 30m
                            with: { source: src, sourceBucket: assets, target: s3, targetBucket: %s, mode: full, concurrency: 4 }
                    """.formatted(slowLink.port(), bucket));
            String cutover = createCutover("abort-sync");
            assertThat(api.post("operator", "/api/cutovers/" + cutover + "/phases/data/start", null).status())
                    .isEqualTo(202);
            long deadline = System.currentTimeMillis() + 20_000;
            while (objectsOn(s3, bucket) < 5) {
                assertThat(System.currentTimeMillis()).as("the first objects reach the target").isLessThan(deadline);
                Api.sleep(100);
            }

            long asked = System.nanoTime();
            Api.Answer abort = api.post("approver", "/api/cutovers/" + cutover + "/abort", null);
            long abortMillis = (System.nanoTime() - asked) / 1_000_000;
            assertThat(abort.status()).as(abort.text()).isEqualTo(202);
            assertThat(abortMillis).as("the abort is answered at once").isLessThan(2_000);

            SyncRun run = runs.latestForStep(cutover, "slow-sync").orElseThrow();
            long stopDeadline = System.nanoTime() + 5_000_000_000L;
            while (runs.find(run.id()).orElseThrow().running() && System.nanoTime() < stopDeadline) {
                Api.sleep(100);
            }
            SyncRun ended = runs.find(run.id()).orElseThrow();
            long onTarget = objectsOn(s3, bucket);
            assertThat(ended.state()).as("sync run %d 5 s after the abort (%d of %d objects on the target)", run.id(),
                    onTarget, OBJECTS).isIn(SyncRun.State.STOPPED, SyncRun.State.FAILED);
            JobExecution job = jobRepository.getJobExecution(ended.jobExecutionId());
            assertThat(job.getStatus()).as("the job execution").isIn(BatchStatus.STOPPED, BatchStatus.FAILED);
            assertThat(job.getEndTime()).isNotNull();
            assertThat(job.getStepExecutions()).allSatisfy(step -> {
                assertThat(step.getStatus()).as(step.getStepName()).isIn(BatchStatus.COMPLETED, BatchStatus.STOPPED,
                        BatchStatus.FAILED);
                assertThat(step.getEndTime()).as(step.getStepName() + " end time").isNotNull();
            });

            // A put already on the wire may land; nothing starts after it.
            Api.sleep(1_000);
            long settled = objectsOn(s3, bucket);
            Api.sleep(1_500);
            assertThat(objectsOn(s3, bucket)).as("objects put after the run ended").isEqualTo(settled);
            assertThat(settled).as("the copy stopped well before the end").isLessThan(OBJECTS);
            assertThat(ended.copiedObjects()).as("the manifest counts only what is on the target")
                    .isLessThanOrEqualTo(settled);
            // A stop reads as a stop in the log, not as Batch's ERROR lines and stack trace of a failed chunk.
            assertThat(output.getAll()).contains("sync run " + run.id() + " stopped on request after ")
                    .doesNotContain("Rolling back chunk transaction").doesNotContain("exception is not skippable");
        }
    }

    private static long objectsOn(S3Client s3, String bucket) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().count();
    }

    private static void writeSourceObjects(Path dir, int count, int size) throws Exception {
        Random random = new Random(15);
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            Path file = dir.resolve(String.format("img/%03d.bin", i));
            Files.createDirectories(file.getParent());
            Files.write(file, data);
        }
    }
}
