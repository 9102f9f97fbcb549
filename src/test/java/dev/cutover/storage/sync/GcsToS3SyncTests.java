package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.storage.gcs.FakeGcsServer;
import dev.cutover.testpeers.TestPeers;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * What a new user does, GCS to S3: a runbook step syncs a GCS bucket (served by the GCS JSON API
 * fake, {@link FakeGcsServer}: no GCS server installs here) to S3 (the real S3Mock of the test
 * stack); a second run copies only what changed; the verification finds no mismatch; the plan
 * forecasts bytes and cost and flags the auto-expiring log bucket. On the shared service: its runbook
 * is added to the others, so no Spring context of its own.
 */
class GcsToS3SyncTests extends ServiceTest {

    private static final FakeGcsServer GCS = new FakeGcsServer().start();
    private static final String S3_BUCKET = "assets-aws-" + Long.toHexString(System.nanoTime());
    private static final String NON_ASCII_KEY = "big/twenty MiB #1 \u00e9+%.bin";

    @AfterAll
    static void stopFake() {
        GCS.close();
    }

    @Test
    void syncsGcsToS3ThenCopiesOnlyChangesVerifiesCleanAndForecastsCost() {
        addRunbook("gcs-to-s3.yaml", runbook());
        Random random = new Random(5);
        for (int i = 0; i < 300; i++) {
            GCS.put("acme-assets", String.format("img/%03d.png", i), bytes(random, 4096 + i), Map.of());
        }
        GCS.put("acme-assets", "big/video.mp4", bytes(random, 9 * 1024 * 1024), Map.of());
        // a key that no ASCII path encoding holds, with characters URLs and paths treat specially
        GCS.put("acme-assets", NON_ASCII_KEY, bytes(random, 2 * 1024 * 1024), Map.of());
        for (int i = 0; i < 20; i++) {
            GCS.put("acme-logs", "2026/11/" + i + ".log", bytes(random, 10_000), Map.of());
        }

        JsonNode logs = api.post("operator", "/api/syncs/plan",
                "{\"runbook\":\"gcs-to-s3\",\"environment\":\"test\",\"step\":\"sync-logs\"}").body();
        assertThat(logs.path("objectsToCopy").asLong()).isEqualTo(20);
        assertThat(logs.path("bytesToCopy").asLong()).isEqualTo(200_000);
        assertThat(logs.path("lifecycle").path("deleteAfterDays").asInt()).isEqualTo(30);
        assertThat(logs.path("lifecycle").path("recommendation").asString()).contains("consider skipping");
        JsonNode assets = api.post("operator", "/api/syncs/plan",
                "{\"runbook\":\"gcs-to-s3\",\"environment\":\"test\",\"step\":\"full-sync\"}").body();
        assertThat(assets.path("objectsToCopy").asLong()).isEqualTo(302);
        assertThat(assets.path("egressCost").decimalValue()).isPositive();
        assertThat(assets.path("lifecycle").isNull()).isTrue();

        String id = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"gcs-to-s3\",\"environment\":\"test\"}").body().path("id").asString();
        api.post("operator", "/api/cutovers/" + id + "/phases/data-migration/start", null);
        JsonNode done = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), 120);
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("READY"); // the logs phase is next
        assertThat(done.path("phases").get(0).path("state").asString()).isEqualTo("COMPLETED");
        assertThat(done.toString()).contains("\"copiedObjects\":302", "verified 302 objects");

        GCS.put("acme-assets", "img/007.png", bytes(random, 5000), Map.of());
        GCS.put("acme-assets", "img/new.png", bytes(random, 100), Map.of());
        JsonNode delta = awaitRun(api.post("operator", "/api/syncs",
                "{\"runbook\":\"gcs-to-s3\",\"environment\":\"test\",\"step\":\"full-sync\",\"mode\":\"delta\"}")
                .body().path("run").path("id").asLong());
        assertThat(delta.path("run").path("state").asString()).isEqualTo("COMPLETED");
        assertThat(delta.path("run").path("copiedObjects").asLong()).isEqualTo(2);
        assertThat(delta.path("run").path("skippedObjects").asLong()).isEqualTo(301);

        JsonNode verify = awaitRun(api.post("operator", "/api/syncs/verify",
                "{\"runbook\":\"gcs-to-s3\",\"environment\":\"test\",\"step\":\"verify\"}")
                .body().path("run").path("id").asLong());
        assertThat(verify.path("run").path("state").asString()).isEqualTo("COMPLETED");
        assertThat(verify.path("run").path("mismatches").asLong()).isZero();
        assertThat(verify.path("run").path("listedObjects").asLong()).isEqualTo(303);
        try (S3Client s3 = TestPeers.s3Client()) {
            assertThat(s3.headObject(h -> h.bucket(S3_BUCKET).key(NON_ASCII_KEY)).contentLength())
                    .isEqualTo(2 * 1024 * 1024);
        }
    }

    private JsonNode awaitRun(long runId) {
        for (int i = 0; i < 600; i++) {
            JsonNode run = api.get("viewer", "/api/syncs/" + runId).body();
            if (!"RUNNING".equals(run.path("run").path("state").asString())) {
                return run;
            }
            Api.sleep(100);
        }
        throw new AssertionError("sync run " + runId + " did not end");
    }

    private static byte[] bytes(Random random, int size) {
        byte[] data = new byte[size];
        random.nextBytes(data);
        return data;
    }

    private static String runbook() {
        GCS.createBucket("acme-assets");
        GCS.createBucket("acme-logs");
        GCS.setLifecycleDeleteAfterDays("acme-logs", 30);
        try (S3Client s3 = TestPeers.s3Client()) {
            s3.createBucket(b -> b.bucket(S3_BUCKET));
            s3.createBucket(b -> b.bucket(S3_BUCKET + "-logs"));
        }
        return """
                    name: gcs-to-s3
                    description: GCS (fake) to S3 (S3Mock)
                    environments:
                      test:
                        connections:
                          gcs: { type: gcs, project: test, endpoint: "%s" }
                          s3: { type: s3, region: us-east-1, endpoint: "%s", pathStyle: "true", accessKeyId: test, secretAccessKey: test }
                    phases:
                      - name: data-migration
                        steps:
                          - id: full-sync
                            type: storage-sync
                            with: { source: gcs, sourceBucket: acme-assets, target: s3, targetBucket: %s, mode: full }
                          - id: verify
                            type: storage-verify
                            with: { source: gcs, sourceBucket: acme-assets, target: s3, targetBucket: %s }
                      - name: logs
                        steps:
                          - id: sync-logs
                            type: storage-sync
                            with: { source: gcs, sourceBucket: acme-logs, target: s3, targetBucket: %s-logs, mode: full }
                    """.formatted(GCS.endpoint(), TestPeers.s3Endpoint(), S3_BUCKET, S3_BUCKET, S3_BUCKET);
    }
}
