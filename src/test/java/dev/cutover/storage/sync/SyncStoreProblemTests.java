package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.storage.gcs.FakeGcsServer;
import dev.cutover.testpeers.TestPeers;
import dev.cutover.testsupport.Api;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A store that cannot be used answers a problem a tired engineer can act on: which connection,
 * what failed (connection refused, unknown host, no such bucket) and what to check; no Java class
 * names. The same words reach a cutover's event log when a sync step fails on it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SyncStoreProblemTests {

    private static final FakeGcsServer GCS = new FakeGcsServer().start();
    private static final Path RUNBOOKS = runbooks();

    @LocalServerPort
    int port;

    Api api;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("cutover.runbooks.location", RUNBOOKS::toString);
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:store-problems;DB_CLOSE_DELAY=-1");
        registry.add("cutover.scheduling.enabled", () -> "false");
    }

    @BeforeEach
    void api() {
        api = new Api(port);
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

    private static Path runbooks() {
        GCS.createBucket("acme-assets");
        GCS.put("acme-assets", "a.txt", new byte[] { 1, 2, 3 }, Map.of());
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path dir = Files.createTempDirectory("store-problems-runbooks-");
            Files.writeString(dir.resolve("problems.yaml"), """
                    name: problems
                    description: stores that cannot be used
                    environments:
                      test:
                        connections:
                          gcs: { type: gcs, project: test, endpoint: "%s" }
                          s3: { type: s3, region: us-east-1, endpoint: "%s", pathStyle: "true", accessKeyId: test, secretAccessKey: test }
                          down-s3: { type: s3, region: us-east-1, endpoint: "http://127.0.0.1:%d", pathStyle: "true", accessKeyId: test, secretAccessKey: test }
                          nowhere-s3: { type: s3, region: us-east-1, endpoint: "http://no-such-host.invalid:9090", pathStyle: "true", accessKeyId: test, secretAccessKey: test }
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
                    """.formatted(GCS.endpoint(), TestPeers.s3Endpoint(), closedPort));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
