package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testpeers.TestPeers;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import dev.cutover.testsupport.net.FaultyLink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * A bucket sync to S3 across a degraded link between "the clouds": the test stack's S3Mock is
 * reached through a {@link FaultyLink} (every byte crosses a veth into a network namespace and
 * back), with a delaying relay in front. Over 100 ms one-way delay, 2% packet loss and 20 Mbit/s the sync
 * completes and verifies clean; a full partition of the target mid-sync (a few seconds here, 30 s
 * in {@code bench/net-faults.sh}) is either ridden out by the retries or ends in a clean failure
 * that a restart resumes from its last checkpoint, copying nothing twice beyond the chunk in flight.
 * Durations are system properties so the bench runs the long version of the same test.
 */
class SyncOverFaultyLinkTests extends ServiceTest {

    private static final Duration DELAY = Duration.ofMillis(Long.getLong("netfaults.delayMs", 100));
    private static final String RATE = System.getProperty("netfaults.rate", "20mbit");
    private static final double LOSS_PERCENT = Double.parseDouble(System.getProperty("netfaults.lossPercent", "2"));
    private static final Duration PARTITION = Duration.ofSeconds(Long.getLong("netfaults.partitionSeconds", 2));
    private static final int LOSSY_OBJECTS = Integer.getInteger("netfaults.lossyObjects", 16);
    private static final int PARTITION_OBJECTS = Integer.getInteger("netfaults.partitionObjects", 150);

    private static FaultyLink link;
    private static InetSocketAddress s3AcrossTheLink;

    @BeforeAll
    static void link() throws IOException {
        link = FaultyLink.create();
        URI s3 = TestPeers.s3Endpoint();
        s3AcrossTheLink = link.delayed(link.bringInside(new InetSocketAddress(s3.getHost(), s3.getPort())));
    }

    @AfterAll
    static void closeLink() {
        if (link != null) {
            link.close();
        }
    }

    @Test
    void aSyncOverADelayedLossyLinkCompletesAndVerifiesClean() throws IOException {
        String bucket = newBucket("lossy");
        writeObjects(RUNBOOKS.work().resolve("nf-lossy-src/assets"), LOSSY_OBJECTS, 32 * 1024);
        addRunbook("nf-lossy.yaml", runbook("nf-lossy", "nf-lossy-src", bucket, 12));
        link.heal();
        link.delay(DELAY);
        link.loss(LOSS_PERCENT);
        link.rate(RATE); // an interconnect of modest bandwidth as well
        long began = System.nanoTime();
        try {
            String id = createCutover("nf-lossy");
            api.post("operator", "/api/cutovers/" + id + "/phases/data/start", null);
            JsonNode ended = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), 120);
            assertThat(ended.path("state").asString()).as(ended.toString()).isEqualTo("COMPLETED");
            assertCopiedOnceAndVerifiedClean(ended, id, LOSSY_OBJECTS);
        } finally {
            link.rate(null);
            link.loss(0);
            link.delay(Duration.ZERO);
        }
        // One line per run for bench/net-faults.sh (key=value, no spaces in values).
        System.out.printf("netfaults lossy: objects=%d delay_ms=%d loss_pct=%.1f rate=%s sync_and_verify_ms=%d%n",
                LOSSY_OBJECTS, DELAY.toMillis(), LOSS_PERCENT, RATE, (System.nanoTime() - began) / 1_000_000);
    }

    @Test
    void aPartitionOfTheTargetMidSyncIsRiddenOutOrResumedFromTheCheckpoint() throws IOException {
        String bucket = newBucket("partition");
        writeObjects(RUNBOOKS.work().resolve("nf-partition-src/assets"), PARTITION_OBJECTS, 4 * 1024);
        addRunbook("nf-partition.yaml", runbook("nf-partition", "nf-partition-src", bucket, 8));
        link.heal();
        long began = System.nanoTime();
        String id = createCutover("nf-partition");
        api.post("operator", "/api/cutovers/" + id + "/phases/data/start", null);
        JsonNode before = awaitCopied(id, 1);
        link.partition();
        try {
            Api.sleep(PARTITION.toMillis());
        } finally {
            link.heal();
        }
        long healedAt = System.nanoTime();
        JsonNode ended = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), 300);
        String outcome;
        if ("FAILED".equals(ended.path("state").asString())) {
            // A clean failure: it says what could not be reached, and restarting resumes the same run.
            String events = api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000").body().toString();
            assertThat(events).as("why the sync failed").contains("'s3'")
                    .doesNotContain("Exception").doesNotContain("software.amazon");
            Api.Answer restarted = api.post("operator", "/api/cutovers/" + id + "/phases/data/restart", null);
            assertThat(restarted.status()).as(restarted.text()).isEqualTo(202);
            ended = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), 300);
            outcome = "failed-cleanly-then-resumed";
        } else {
            outcome = "ridden-out-by-retries";
        }
        assertThat(ended.path("state").asString()).as(ended.toString()).isEqualTo("COMPLETED");
        assertCopiedOnceAndVerifiedClean(ended, id, PARTITION_OBJECTS);
        assertThat(syncRuns(id)).as("one sync run, resumed rather than started again").hasSize(1)
                .containsExactly(before.path("id").asLong());
        System.out.printf("netfaults partition: objects=%d partition_s=%d copied_before=%d outcome=%s "
                + "done_after_heal_ms=%d total_ms=%d%n", PARTITION_OBJECTS, PARTITION.toSeconds(),
                before.path("copiedObjects").asLong(), outcome, (System.nanoTime() - healedAt) / 1_000_000,
                (System.nanoTime() - began) / 1_000_000);
    }

    /**
     * Every object counted as copied exactly once by the run (a re-upload of checkpointed chunks
     * would exceed the total), none failed, and the verification step found no mismatch.
     */
    private void assertCopiedOnceAndVerifiedClean(JsonNode cutover, String id, int total) {
        JsonNode run = api.get("viewer", "/api/syncs/" + syncRuns(id).get(0)).body().path("run");
        assertThat(run.path("state").asString()).as(run.toString()).isEqualTo("COMPLETED");
        assertThat(run.path("plannedObjects").asLong()).as(run.toString()).isEqualTo(total);
        assertThat(run.path("copiedObjects").asLong()).as(run.toString()).isEqualTo(total);
        assertThat(run.path("failedObjects").asLong()).as(run.toString()).isZero();
        JsonNode verify = Api.step(cutover, "verify").path("output");
        assertThat(verify.path("evidence").path("mismatches").asLong()).as(verify.toString()).isZero();
        assertThat(verify.path("evidence").path("listedObjects").asLong()).as(verify.toString()).isEqualTo(total);
    }

    private JsonNode awaitCopied(String cutoverId, long copied) {
        long deadline = System.currentTimeMillis() + 60_000;
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            for (JsonNode view : api.get("viewer", "/api/syncs").body()) {
                JsonNode run = view.path("run");
                if (cutoverId.equals(run.path("cutoverId").asString()) && "sync".equals(run.path("stepId").asString())) {
                    last = run;
                }
            }
            if (last != null && last.path("copiedObjects").asLong() >= copied) {
                assertThat(last.path("state").asString()).as("the sync ended before the partition: seed more objects")
                        .isEqualTo("RUNNING");
                return last;
            }
            Api.sleep(50);
        }
        throw new AssertionError("the sync did not copy " + copied + " objects in 60 s; last: " + last);
    }

    private List<Long> syncRuns(String cutoverId) {
        List<Long> ids = new ArrayList<>();
        for (JsonNode view : api.get("viewer", "/api/syncs").body()) {
            JsonNode run = view.path("run");
            if (cutoverId.equals(run.path("cutoverId").asString()) && "sync".equals(run.path("stepId").asString())) {
                ids.add(run.path("id").asLong());
            }
        }
        return ids;
    }

    private static String runbook(String name, String sourceDir, String bucket, int concurrency) {
        String mapping = "source: src, sourceBucket: assets, target: s3, targetBucket: " + bucket;
        return """
                name: %s
                description: A bucket sync across a faulty link (SyncOverFaultyLinkTests)
                environments:
                  local:
                    connections:
                      src: { type: filesystem, root: "@WORK@/%s" }
                      s3: { type: s3, region: us-east-1, endpoint: "http://127.0.0.1:%d", pathStyle: "true", accessKeyId: test, secretAccessKey: test }
                phases:
                  - name: data
                    steps:
                      - id: sync
                        type: storage-sync
                        timeout: 10m
                        with: { %s, mode: full, concurrency: %d }
                      - id: verify
                        type: storage-verify
                        timeout: 10m
                        with: { %s }
                """.formatted(name, sourceDir, s3AcrossTheLink.getPort(), mapping, concurrency, mapping);
    }

    private static String newBucket(String label) {
        String bucket = "nf-" + label + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client s3 = TestPeers.s3Client()) {
            s3.createBucket(b -> b.bucket(bucket));
        }
        return bucket;
    }

    private static void writeObjects(Path bucket, int count, int size) throws IOException {
        Random random = new Random(count);
        byte[] bytes = new byte[size];
        for (int i = 0; i < count; i++) {
            random.nextBytes(bytes);
            Path file = bucket.resolve("d%02d/f%04d.bin".formatted(i / 100, i));
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        }
    }
}
