package dev.cutover.preflight;

import dev.cutover.CutoverApplication;
import dev.cutover.database.mongo.StubReplicaSet;
import dev.cutover.dns.RecordSet;
import dev.cutover.dns.route53.Route53ApiStub;
import dev.cutover.sandbox.RehearsalStack;
import dev.cutover.sandbox.ShopApplication;
import dev.cutover.storage.gcs.FakeGcsServer;
import dev.cutover.testpeers.TestPeers;
import dev.cutover.testsupport.Api;
import dev.cutover.validation.LocalPrometheus;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * Preflight of {@code runbooks/rehearsal.yaml} in environment {@code local} against the local stack
 * (bench/preflight.sh): the MariaDB pair, S3Mock and BIND of scripts/test-stack.sh, and the GCS
 * fake and the MongoDB stub on the ports the runbook names, started here unless something listens
 * there already (a running sandbox). Changes nothing on the peers but the S3 target bucket, created
 * when absent. Runs the service in this JVM from the working directory the script prepared (it
 * holds runbooks/, scripts/ and .test-stack/), posts two preflights (the first in a fresh JVM once
 * the service's background warm-up of the preflight clients has ended, or at once with
 * {@code --no-wait}; the second warm), prints both tables, the first one's figures, then the second one's as the last line:
 * {@code preflight: checks=<n> failed=<n> wall_ms=<ms>} (wall over HTTP: planning, checks, storing, answer).
 */
public final class PreflightBenchmark {

    private static final int GCS_PORT = 14443;
    private static final int MONGO_FIRST_PORT = 27117;

    public static void main(String[] args) throws Exception {
        boolean noWait = List.of(args).contains("--no-wait");
        List<AutoCloseable> started = new ArrayList<>();
        try {
            startFakesUnlessRunning(started);
            createTargetBucket();
            ConfigurableApplicationContext app = new SpringApplication(CutoverApplication.class).run("--server.port=0",
                    "--spring.datasource.url=jdbc:h2:mem:preflight-bench;DB_CLOSE_DELAY=-1",
                    "--cutover.scheduling.enabled=false", "--spring.main.banner-mode=off", "--logging.level.root=WARN");
            try {
                Api api = new Api(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));
                awaitWarmUp(noWait);
                Result cold = preflight(api, "cold");
                Result warm = preflight(api, "warm");
                System.out.printf("preflight (first in a fresh JVM): checks=%d failed=%d wall_ms=%d%n", cold.checks,
                        cold.failed, cold.wallMs);
                System.out.printf("preflight: checks=%d failed=%d wall_ms=%d%n", warm.checks, warm.failed, warm.wallMs);
            } finally {
                app.close();
            }
        } finally {
            for (AutoCloseable closeable : started) {
                closeable.close();
            }
        }
    }

    private record Result(int checks, int failed, long wallMs) {
    }

    private static Result preflight(Api api, String label) {
        long begun = System.nanoTime();
        Api.Answer answer = api.post("operator", "/api/runbooks/rehearsal/preflight?environment=local", "");
        long wallMs = (System.nanoTime() - begun) / 1_000_000;
        if (answer.status() != 201) {
            throw new IllegalStateException("preflight answered " + answer.status() + ": " + answer.text());
        }
        JsonNode table = answer.body();
        System.out.println("== " + label + " preflight " + table.path("id").asString() + ": " + wallMs + " ms over HTTP, "
                + table.path("wallMs").asLong() + " ms in the service");
        for (JsonNode row : table.path("rows")) {
            System.out.printf("%-8s %-26s %-16s %5d ms  %s%s%n", row.path("status").asString(), row.path("check").asString(),
                    row.path("connection").asString(), row.path("latencyMs").asLong(), row.path("detail").asString(),
                    row.path("hint").asString().isEmpty() ? "" : "  -> " + row.path("hint").asString());
        }
        return new Result(table.path("checks").asInt(), table.path("failed").asInt(), wallMs);
    }

    /**
     * Waits for the service's background warm-up of the preflight clients (at most 60 s), as a
     * person who starts the service and then asks for a preflight would; {@code --no-wait} asks at
     * once instead, racing the warm-up.
     */
    private static void awaitWarmUp(boolean noWait) throws InterruptedException {
        if (noWait) {
            System.out.println("first preflight asked at once, racing the service's warm-up");
            return;
        }
        long begun = System.nanoTime();
        long deadline = begun + 60_000_000_000L;
        while (System.nanoTime() < deadline && Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("preflight-warm-up") && t.isAlive())) {
            Thread.sleep(50);
        }
        System.out.printf("waited %d ms after the start for the service's warm-up of the preflight clients%n",
                (System.nanoTime() - begun) / 1_000_000);
    }

    private static void startFakesUnlessRunning(List<AutoCloseable> started) throws IOException {
        if (free(GCS_PORT)) {
            FakeGcsServer gcs = new FakeGcsServer(Files.createTempDirectory("preflight-gcs-")).start(GCS_PORT);
            gcs.createBucket("acme-assets");
            for (int i = 0; i < 10; i++) {
                gcs.put("acme-assets", String.format("img/%05d.jpg", i), ("image " + i).getBytes(StandardCharsets.UTF_8),
                        Map.of());
            }
            started.add(gcs);
        } else {
            System.out.println("port " + GCS_PORT + " is taken: using the GCS fake that listens there");
        }
        if (free(MONGO_FIRST_PORT)) {
            started.add(StubReplicaSet.startOnPorts("rs0", MONGO_FIRST_PORT, Map.of("cloud", "gcp"), Map.of("cloud", "gcp"),
                    Map.of("cloud", "aws")));
        } else {
            System.out.println("port " + MONGO_FIRST_PORT + " is taken: using the MongoDB stub that listens there");
        }
        if (free(RehearsalStack.MONGO_SCRATCH_PORT)) { // where the catalog snapshot's restore check writes
            started.add(StubReplicaSet.startOnPorts("scratch", RehearsalStack.MONGO_SCRATCH_PORT, Map.of()));
        }
        if (free(RehearsalStack.ROUTE53_PORT)) { // the zone of the progressive shift
            Route53ApiStub route53 = new Route53ApiStub(RehearsalStack.ROUTE53_ZONE_ID, RehearsalStack.ZONE,
                    RehearsalStack.ROUTE53_ACCESS_KEY, RehearsalStack.ROUTE53_PORT);
            route53.seed(new RecordSet(RehearsalStack.ZONE, "SOA", 900,
                    List.of("ns-1.awsdns.example. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400")));
            started.add(route53);
        }
        if (free(RehearsalStack.PROMETHEUS_PORT) && free(ShopApplication.PORT)) {
            ShopApplication shop = ShopApplication.start(); // the runbook's traffic gate queries its metrics
            started.add(0, shop);
            started.add(0, LocalPrometheus.scraping(RehearsalStack.PROMETHEUS_PORT, "127.0.0.1:" + ShopApplication.PORT));
        } else {
            System.out.println("port " + RehearsalStack.PROMETHEUS_PORT + " or " + ShopApplication.PORT
                    + " is taken: using the sandbox's Prometheus and shop application there");
        }
    }

    private static void createTargetBucket() {
        try (S3Client s3 = S3Client.builder().endpointOverride(TestPeers.s3Endpoint()).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("rehearsal", "rehearsal"))).build()) {
            if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals("acme-assets-aws"))) {
                s3.createBucket(b -> b.bucket("acme-assets-aws"));
            }
        }
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

}
