package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.storage.SyncRun;
import dev.cutover.testpeers.TestPeers;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.PrivateS3Mock;
import dev.cutover.testsupport.ServiceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Issue 15, a peer killed mid-step: the target S3Mock (a private one, never the shared stack's) is
 * killed with SIGKILL while a full sync copies into it. The run must fail within seconds naming the
 * connection, what failed (connection refused) and the peer's address, after the SDK's bounded retries
 * (the connection sets {@code maxAttempts: 2}); its manifest and checkpoint must not claim an object
 * that S3Mock's store, started again on the same port and root, does not hold. A restart of the phase
 * then resumes the same run from its checkpoint: no object written before the kill is put again, and
 * the verification that follows is clean.
 */
class S3PeerKilledMidSyncTests extends ServiceTest {

    private static final int OBJECTS = 300;
    private static final String BUCKET = "killed-mid-sync";

    @Autowired
    SyncRunRepository runs;

    @Autowired
    JobRepository jobRepository;

    @Test
    void aSyncWhoseTargetIsKilledFailsNamingItClaimsNothingUnwrittenAndResumesFromItsCheckpoint() throws Exception {
        try (PrivateS3Mock s3mock = PrivateS3Mock.start(); S3Client s3 = TestPeers.s3Client(s3mock.endpoint())) {
            s3.createBucket(b -> b.bucket(BUCKET));
            writeSourceObjects(RUNBOOKS.work().resolve("killed-src/assets"));
            addRunbook("s3-killed.yaml", """
                    name: s3-killed
                    description: A full sync whose target is killed with SIGKILL while it copies
                    environments:
                      local:
                        connections:
                          src: { type: filesystem, root: "%s" }
                          s3: { type: s3, region: us-east-1, endpoint: "%s", pathStyle: "true", accessKeyId: test,
                                secretAccessKey: test, maxAttempts: "2", retryMode: standard, firstRetryDelay: 50ms,
                                maxRetryDelay: 200ms }
                    phases:
                      - name: data
                        steps:
                          - id: sync
                            type: storage-sync
                            timeout: 5m
                            with: { source: src, sourceBucket: assets, target: s3, targetBucket: %s, mode: full, concurrency: 2 }
                          - id: check
                            type: storage-verify
                            timeout: 5m
                            with: { source: src, sourceBucket: assets, target: s3, targetBucket: %s }
                    """.formatted(RUNBOOKS.work().resolve("killed-src"), s3mock.endpoint(), BUCKET, BUCKET));
            String cutover = createCutover("s3-killed");
            assertThat(api.post("operator", "/api/cutovers/" + cutover + "/phases/data/start", null).status())
                    .isEqualTo(202);
            long deadline = System.currentTimeMillis() + 30_000;
            while (objectsOn(s3).size() < 120) { // past the first chunk of 100, so that a checkpoint exists
                assertThat(System.currentTimeMillis()).as("the first objects reach the target").isLessThan(deadline);
                Api.sleep(20);
            }

            s3mock.kill();
            long killed = System.nanoTime();
            SyncRun run = runs.latestForStep(cutover, "sync").orElseThrow();
            while (runs.find(run.id()).orElseThrow().running() && System.nanoTime() - killed < 30_000_000_000L) {
                Api.sleep(50);
            }
            long endedAfter = (System.nanoTime() - killed) / 1_000_000;
            SyncRun failed = runs.find(run.id()).orElseThrow();
            assertThat(failed.state()).as("sync run %d %d ms after its target was killed: %s", run.id(), endedAfter,
                    failed.message()).isEqualTo(SyncRun.State.FAILED);
            assertThat(endedAfter).as("ms from the kill to the run's end").isLessThan(10_000);
            assertThat(failed.message()).as("the run's reason")
                    .contains("'s3'", "connection refused", "127.0.0.1:" + s3mock.port())
                    .doesNotContainPattern("\\b(?:java|software)\\.[a-z]+\\.");
            api.awaitState(cutover, "FAILED");
            StepExecution copy = copyStep(failed);
            assertThat(copy.getStatus()).isEqualTo(BatchStatus.FAILED);
            String checkpoint = copy.getExecutionContext().getString(SyncPlanReader.LAST_KEY);

            s3mock.startAgain();
            Map<String, Instant> written = objectsOn(s3);
            assertThat((long) written.size()).as("objects S3Mock holds, against those the manifest counts as copied")
                    .isGreaterThanOrEqualTo(failed.copiedObjects());
            for (int i = 0; i < OBJECTS; i++) {
                if (key(i).compareTo(checkpoint) <= 0) {
                    assertThat(written).as("an object before the checkpoint %s", checkpoint).containsKey(key(i));
                }
            }

            assertThat(api.post("operator", "/api/cutovers/" + cutover + "/phases/data/restart", null).status())
                    .isEqualTo(202);
            api.awaitState(cutover, "COMPLETED");
            SyncRun resumed = runs.latestForStep(cutover, "sync").orElseThrow();
            assertThat(resumed.id()).as("the same run, resumed").isEqualTo(run.id());
            assertThat(resumed.state()).isEqualTo(SyncRun.State.COMPLETED);
            assertThat(resumed.copiedObjects()).isEqualTo(OBJECTS);
            Map<String, Instant> after = objectsOn(s3);
            assertThat(after).hasSize(OBJECTS);
            written.forEach((key, modified) -> assertThat(after.get(key)).as("%s, written before the kill, is not put again",
                    key).isEqualTo(modified));
            SyncRun verification = runs.latestForStep(cutover, "check").orElseThrow();
            assertThat(verification.state()).isEqualTo(SyncRun.State.COMPLETED);
            assertThat(verification.mismatches()).isZero();
        }
    }

    private StepExecution copyStep(SyncRun run) {
        JobExecution job = jobRepository.getJobExecution(run.jobExecutionId());
        return job.getStepExecutions().stream().filter(step -> step.getStepName().equals("syncCopyStep")).findFirst()
                .orElseThrow();
    }

    private static Map<String, Instant> objectsOn(S3Client s3) {
        return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream()
                .collect(Collectors.toMap(S3Object::key, S3Object::lastModified, (a, b) -> a, TreeMap::new));
    }

    private static String key(int i) {
        return String.format("img/%04d.bin", i);
    }

    private static void writeSourceObjects(Path dir) throws Exception {
        Random random = new Random(15);
        for (int i = 0; i < OBJECTS; i++) {
            byte[] data = new byte[8 * 1024];
            random.nextBytes(data);
            Path file = dir.resolve(key(i));
            Files.createDirectories(file.getParent());
            Files.write(file, data);
        }
    }
}
