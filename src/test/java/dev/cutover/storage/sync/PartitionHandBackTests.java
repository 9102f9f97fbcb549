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
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * A rolling restart of an instance whose workers run partitions of a sync managed elsewhere: its graceful
 * stop hands each partition under way back (it stops between objects and its request goes back to the
 * table) instead of failing it, and with it the run. The manager never sees the partition end; a worker
 * that runs on (here this instance's own, started again) continues it from its checkpoint, and the run
 * completes with every object copied once. Before, the stop interrupted the workers: the partitions
 * FAILED and so did the run. The target is the test stack's S3Mock behind a 40 KB/s relay, so that
 * partitions are under way when the stop comes.
 */
class PartitionHandBackTests extends ServiceTest {

    private static final int OBJECTS = 90;

    @Autowired
    PartitionWorkers workers;

    @Autowired
    SyncPartitions partitions;

    @Autowired
    SyncRunRepository runs;

    @Autowired
    JobRepository jobRepository;

    @Test
    void aGracefulStopHandsThePartitionsUnderWayBackAndTheRunCompletesWithEveryObjectOnce() throws Exception {
        String bucket = "hand-back-" + UUID.randomUUID().toString().substring(0, 8);
        URI s3Endpoint = TestPeers.s3Endpoint();
        try (S3Client s3 = TestPeers.s3Client(s3Endpoint); ThrottledRelay slowLink = new ThrottledRelay(
                new InetSocketAddress(s3Endpoint.getHost(), s3Endpoint.getPort()), 40 * 1024)) {
            s3.createBucket(b -> b.bucket(bucket));
            writeSourceObjects(RUNBOOKS.work().resolve("hand-back-src/assets"));
            addRunbook("hand-back.yaml", """
                    name: hand-back
                    description: A partitioned sync over a slow link, its workers stopped gracefully mid-way
                    environments:
                      local:
                        connections:
                          src: { type: filesystem, root: "@WORK@/hand-back-src" }
                          s3: { type: s3, region: us-east-1, endpoint: "http://127.0.0.1:%d", pathStyle: "true", accessKeyId: test, secretAccessKey: test }
                    phases:
                      - name: data
                        steps:
                          - id: sync
                            type: storage-sync
                            with: { source: src, sourceBucket: assets, target: s3, targetBucket: %s, mode: full, partitions: 3, concurrency: 2 }
                    """.formatted(slowLink.port(), bucket));
            Api.Answer started = api.post("operator", "/api/syncs",
                    "{\"runbook\":\"hand-back\",\"environment\":\"local\",\"step\":\"sync\"}");
            assertThat(started.status()).as(started.text()).isEqualTo(202);
            long runId = started.body().path("run").path("id").asLong();
            long deadline = System.currentTimeMillis() + 20_000;
            while (s3.listObjectsV2(b -> b.bucket(bucket)).keyCount() < 6) {
                assertThat(System.currentTimeMillis()).as("the first objects reach the target").isLessThan(deadline);
                Api.sleep(50);
            }

            long stopping = System.nanoTime();
            workers.stop(); // what this instance's graceful stop does to its workers
            long stopMillis = (System.nanoTime() - stopping) / 1_000_000;
            List<SyncPartitions.Partition> handedBack = partitions.of(runId);
            try {
                assertThat(stopMillis).as("ms for the workers to hand their partitions back").isLessThan(5_000);
                assertThat(runs.find(runId).orElseThrow().state()).as("the run goes on").isEqualTo(SyncRun.State.RUNNING);
                assertThat(handedBack).as("partitions after the stop").isNotEmpty().allSatisfy(partition ->
                        assertThat(partition.state()).as(partition.toString()).isIn(SyncPartitions.State.WAITING,
                                SyncPartitions.State.COMPLETED));
                assertThat(handedBack).anySatisfy(partition -> assertThat(partition.message()).contains("handed back"));
                for (SyncPartitions.Partition partition : handedBack) {
                    StepExecution execution = jobRepository.getStepExecution(partition.stepExecutionId());
                    assertThat(execution.getStatus()).as("what the manager sees of " + partition.name())
                            .isIn(BatchStatus.STARTING, BatchStatus.COMPLETED);
                }
            } finally {
                workers.start();
            }

            JsonNode run = awaitRun(runId);
            assertThat(run.path("state").asString()).as(run.toString()).isEqualTo("COMPLETED");
            assertThat(run.path("copiedObjects").asLong()).as(run.toString()).isEqualTo(OBJECTS);
            assertThat(run.path("mismatches").asLong()).isZero();
            assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).keyCount()).isEqualTo(OBJECTS);
            assertThat(partitions.of(runId)).allSatisfy(partition -> assertThat(partition.state())
                    .as(partition.toString()).isEqualTo(SyncPartitions.State.COMPLETED));
            System.out.println("PartitionHandBackTests: workers stopped in " + stopMillis + " ms; handed back "
                    + handedBack.stream().filter(p -> p.state() == SyncPartitions.State.WAITING).count() + " of "
                    + handedBack.size() + " partitions");
        }
    }

    private JsonNode awaitRun(long runId) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode run = api.get("viewer", "/api/syncs/" + runId).body().path("run");
            if (!"RUNNING".equals(run.path("state").asString())) {
                return run;
            }
            Api.sleep(100);
        }
        throw new AssertionError("sync run " + runId + " did not end");
    }

    private static void writeSourceObjects(Path dir) throws Exception {
        Random random = new Random(14);
        for (int i = 0; i < OBJECTS; i++) {
            byte[] data = new byte[4 * 1024];
            random.nextBytes(data);
            Path file = dir.resolve(String.format("%s/%03d.bin", List.of("a", "b", "c").get(i % 3), i));
            Files.createDirectories(file.getParent());
            Files.write(file, data);
        }
    }
}
