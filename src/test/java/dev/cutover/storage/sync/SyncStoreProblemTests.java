package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.storage.gcs.FakeGcsServer;
import dev.cutover.testpeers.TestPeers;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A store that cannot be used answers a problem a tired engineer can act on: which connection,
 * what failed (connection refused, unknown host, no such bucket) and what to check; no Java class
 * names. The same words reach a cutover's event log when a sync step fails on it.
 */
class SyncStoreProblemTests extends ServiceTest {

    private static final FakeGcsServer GCS = new FakeGcsServer().start();
    private static volatile boolean runbookAdded;

    /** On the shared service context: a context of its own cost this class ~30 s of CI for nothing it proves. */
    @BeforeEach
    void problemsRunbook() {
        if (!runbookAdded) {
            addRunbook("problems.yaml", problemsRunbook(GCS));
            runbookAdded = true;
        }
    }

    @AfterAll
    static void stopFake() {
        GCS.close();
    }

    @Test
    void aRefusedConnectionIsNamedWithWhatToCheck() {
        Api.Answer plan = api.post("operator", "/api/syncs/plan", request("to-refusing-s3"));
        assertProblem(plan, 502, "down-s3", "connection refused");
        Api.Answer start = api.post("operator", "/api/syncs", request("to-refusing-s3"));
        assertProblem(start, 502, "down-s3", "connection refused");
    }

    @Test
    void anUnknownHostIsNamedWithWhatToCheck() {
        assertProblem(api.post("operator", "/api/syncs/verify", request("from-unknown-host")), 502, "nowhere-s3",
                "unknown host");
    }

    @Test
    void aMissingBucketIsNamedWithWhatToCheck() {
        assertProblem(api.post("operator", "/api/syncs/plan", request("from-missing-bucket")), 422, "s3",
                "no such bucket");
    }

    @Test
    void aSyncStepThatCannotReachItsStoreSaysSoInTheEventLog() {
        String id = api.post("operator", "/api/cutovers", "{\"runbook\":\"problems\",\"environment\":\"test\"}")
                .body().path("id").asString();
        api.post("operator", "/api/cutovers/" + id + "/phases/sync/start", null);
        JsonNode done = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), 120);
        assertThat(done.path("state").asString()).isEqualTo("FAILED");
        String events = api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000").body().toString();
        assertThat(events).contains("down-s3").contains("connection refused")
                .doesNotContain("ObjectStoreException").doesNotContain("SdkClientException")
                .doesNotContain("dev.cutover.storage").doesNotContain("software.amazon");
    }

    private static void assertProblem(Api.Answer answer, int status, String connection, String what) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(String.valueOf(answer.contentType())).startsWith("application/problem+json");
        String detail = answer.body().path("detail").asString();
        assertThat(detail).as(answer.text()).contains("'" + connection + "'").contains(what).contains("Check");
        assertThat(answer.text()).doesNotContain("Exception").doesNotContain("dev.cutover")
                .doesNotContain("software.amazon").doesNotContain("com.google");
        assertThat(answer.body().path("connection").asString()).isEqualTo(connection);
    }

    private static String request(String step) {
        return "{\"runbook\":\"problems\",\"environment\":\"test\",\"step\":\"" + step + "\"}";
    }

    /**
     * The stores that cannot be reached try twice, not the default 8 times with backoff: the same
     * problem, named the same way, in a second instead of 6 to 12 (the SDK retries a refused connection).
     */
    private static String problemsRunbook(FakeGcsServer gcs) {
        gcs.createBucket("acme-assets");
        gcs.put("acme-assets", "a.txt", new byte[] { 1, 2, 3 }, Map.of());
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return """
                    name: problems
                    description: stores that cannot be used
                    environments:
                      test:
                        connections:
                          gcs: { type: gcs, project: test, endpoint: "%s" }
                          s3: { type: s3, region: us-east-1, endpoint: "%s", pathStyle: "true", accessKeyId: test, secretAccessKey: test }
                          down-s3: { type: s3, region: us-east-1, endpoint: "http://127.0.0.1:%d", pathStyle: "true", accessKeyId: test, secretAccessKey: test, maxAttempts: "2" }
                          nowhere-s3: { type: s3, region: us-east-1, endpoint: "http://no-such-host.invalid:9090", pathStyle: "true", accessKeyId: test, secretAccessKey: test, maxAttempts: "2" }
                    phases:
                      - name: sync
                        steps:
                          - id: to-refusing-s3
                            type: storage-sync
                            with: { source: gcs, sourceBucket: acme-assets, target: down-s3, targetBucket: b, mode: full }
                      - name: others
                        steps:
                          - id: from-unknown-host
                            type: storage-verify
                            with: { source: nowhere-s3, sourceBucket: b, target: s3, targetBucket: b }
                          - id: from-missing-bucket
                            type: storage-sync
                            with: { source: s3, sourceBucket: no-such-bucket-here, target: gcs, targetBucket: acme-assets, mode: delta }
                    """.formatted(gcs.endpoint(), TestPeers.s3Endpoint(), closedPort);
    }
}
