package dev.cutover.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testpeers.TestPeers;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import dev.cutover.testsupport.ThrottledRelay;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The observability pack against the running service: three cutovers at once — a storage sync
 * slowed by a throttled link to S3Mock, a real lag gate on the test stack's MariaDB replica (it
 * only reads replica status) followed by a manual step waiting for its approver, and a metric gate
 * on a real Prometheus that scrapes this service with the shipped {@code deploy/prometheus} config.
 * Every metric the shipped alert rules and Grafana dashboard read must then be on
 * {@code /actuator/prometheus}; connection health is on a viewer endpoint and not on the open
 * health endpoint; the figures of a cutover that is over leave the scrape.
 */
class ObservabilityPackTests extends ServiceTest {

    private static final Path DEPLOY = Paths.get("deploy");
    /** Made by Prometheus itself for each scrape, never exported by a target. */
    private static final Set<String> MADE_BY_PROMETHEUS = Set.of("up");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void everyMetricTheAlertsAndTheDashboardReadIsExportedAndGoesWhenTheCutoverEnds() throws Exception {
        Set<String> needed = neededMetricNames();
        assertThat(needed).contains("cutover_sync_eta_seconds", "cutover_gate_lag_seconds", "cutover_connection_up", "up");

        String bucket = "obs-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client s3 = TestPeers.s3Client()) {
            s3.createBucket(b -> b.bucket(bucket));
        }
        // 3 chunks of 100 objects: copies count when a chunk is done, so the ETA shows from the first one on.
        writeSourceObjects(RUNBOOKS.work().resolve("obs-src/assets"), 300, 4 * 1024);
        URI s3 = TestPeers.s3Endpoint();
        var mysql = TestPeers.mariaDb();
        Files.writeString(RUNBOOKS.work().resolve("obs-mysql-password"), mysql.password());
        // Bound but not listening: connects are refused, and no later socket of the test (the relay,
        // Prometheus) can be handed the same port, as a port merely found free and closed again could.
        Socket nowhere = new Socket();
        nowhere.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int closedPort = nowhere.getLocalPort();

        try (nowhere;
             ThrottledRelay slowLink = new ThrottledRelay(new InetSocketAddress(s3.getHost(), s3.getPort()), 40 * 1024);
             ShippedPrometheus prometheus = ShippedPrometheus.start(port)) {
            addRunbook("obs-sync.yaml", """
                    name: obs-sync
                    description: A full sync over a slow link, to watch its progress
                    environments:
                      local:
                        connections:
                          src: { type: filesystem, root: "@WORK@/obs-src" }
                          s3: { type: s3, region: us-east-1, endpoint: "http://127.0.0.1:%d", pathStyle: "true", accessKeyId: test, secretAccessKey: test }
                    phases:
                      - name: data
                        steps:
                          - id: full-sync
                            type: storage-sync
                            timeout: 30m
                            with: { source: src, sourceBucket: assets, target: s3, targetBucket: %s, mode: full, concurrency: 4 }
                    """.formatted(slowLink.port(), bucket));
            addRunbook("obs-approval.yaml", """
                    name: obs-approval
                    description: A lag gate on the test stack's replica, then a go/no-go
                    environments:
                      local:
                        connections:
                          replica: { type: mysql, url: "%s", user: %s, password: "${file:@WORK@/obs-mysql-password}" }
                          nowhere: { type: http, url: "http://127.0.0.1:%d" }
                    phases:
                      - name: go
                        steps:
                          - id: replica-caught-up
                            type: mysql-lag-gate
                            timeout: 5m
                            with: { replica: replica, maxLag: 1h, interval: 200ms, consecutive: 2 }
                          - id: go-no-go
                            type: manual
                            timeout: 2h
                            with: { instructions: "Say go" }
                    """.formatted(mysql.replicaUrl(), mysql.user(), closedPort));
            addRunbook("obs-gate.yaml", """
                    name: obs-gate
                    description: A metric gate on the Prometheus that scrapes this service
                    environments:
                      local:
                        connections:
                          metrics: { type: prometheus, url: "%s" }
                    phases:
                      - name: validate
                        steps:
                          - id: traffic-healthy
                            type: metric-gate
                            timeout: 15m
                            with:
                              connection: metrics
                              interval: 1s
                              for: 10m
                              queries:
                                - { name: cutovers, query: "sum(cutover_cutovers)", pass: ">= 0" }
                    """.formatted(prometheus.url()));
            addRunbook("obs-forecast.yaml", """
                    name: obs-forecast
                    description: Rehearsed once, so a second rehearsal has a forecast per step
                    environments:
                      local: { connections: {} }
                    phases:
                      - name: only
                        steps:
                          - id: short-wait
                            type: wait
                            timeout: 1m
                            with: { duration: 200ms }
                    """);
            String rehearsed = createCutover("obs-forecast");
            api.post("operator", "/api/cutovers/" + rehearsed + "/phases/only/start", null);
            api.awaitState(rehearsed, "COMPLETED");
            String forecast = createCutover("obs-forecast");
            String sync = createCutover("obs-sync");
            String approval = createCutover("obs-approval");
            String gate = createCutover("obs-gate");
            List<String> cutovers = List.of(sync, approval, gate, forecast);
            try {
                assertThat(api.post("operator", "/api/cutovers/" + sync + "/phases/data/start", null).status()).isEqualTo(202);
                assertThat(api.post("operator", "/api/cutovers/" + approval + "/phases/go/start", null).status()).isEqualTo(202);
                assertThat(api.post("operator", "/api/cutovers/" + gate + "/phases/validate/start", null).status()).isEqualTo(202);
                api.awaitState(approval, "AWAITING_APPROVAL");

                // Each name at some scrape: a sync's ETA exists only between its first chunk and its end.
                Set<String> seen = new TreeSet<>();
                String scraped = awaitScrape(text -> {
                    seen.addAll(exported(text));
                    return missing(needed, seen).isEmpty();
                }, 120, text -> "never exported: " + missing(needed, seen) + "; the sync cutover then: "
                        + api.get("viewer", "/api/cutovers/" + sync).text());
                assertThat(scraped)
                        .containsPattern("cutover_step_state\\{[^}]*cutover=\"" + approval + "\"[^}]*state=\"AWAITING_APPROVAL\"[^}]*} 1\\.0")
                        .containsPattern("cutover_approvals_waiting\\{cutover=\"" + approval + "\"[^}]*} 1\\.0")
                        .containsPattern("cutover_step_forecast_p90_seconds\\{[^}]*cutover=\"" + forecast + "\"[^}]*step=\"short-wait\"")
                        .containsPattern("cutover_gate_state\\{[^}]*cutover=\"" + gate + "\"[^}]*state=\"passing\"");
                // Connection health is probed every 30 s: the first probe of these cutovers may come after that scrape.
                Pattern nowhereDown = Pattern.compile(
                        "cutover_connection_up\\{connection=\"nowhere\",cutover=\"" + approval + "\",type=\"http\"} 0\\.0");
                Pattern replicaUp = Pattern.compile(
                        "cutover_connection_up\\{connection=\"replica\",cutover=\"" + approval + "\",type=\"mysql\"} 1\\.0");
                awaitScrape(text -> nowhereDown.matcher(text).find() && replicaUp.matcher(text).find(), 75,
                        text -> "connection health of " + approval + " not as expected: " + text.lines()
                                .filter(line -> line.startsWith("cutover_connection_up") && line.contains(approval)).toList());
                // "up" is Prometheus's own: the shipped scrape config (Basic auth as a viewer) reaches the service.
                assertThat(prometheus.query("up{job=\"cutover\"}")).as("up of the shipped scrape job").isEqualTo("1");
                assertThat(prometheus.rulesLoaded()).as("alerts.yml loads in a real Prometheus").isEqualTo(12);

                JsonNode health = api.get("viewer", "/api/cutovers/" + approval + "/connections/health").body();
                assertThat(health.path("reachable").asLong()).as(health.toString()).isEqualTo(1);
                assertThat(health.path("unreachable").asLong()).isEqualTo(1);
                assertThat(health.path("connections").toString()).contains("connection refused", "127.0.0.1:" + closedPort);
                assertThat(api.get(null, "/api/cutovers/" + approval + "/connections/health").status()).isEqualTo(401);
                Api.Answer open = api.get(null, "/actuator/health");
                assertThat(open.status()).isEqualTo(200);
                assertThat(open.text()).doesNotContain("nowhere", "replica", "connection", "cutover", "127.0.0.1");
                assertThat(api.get(null, "/actuator/health/liveness").text()).doesNotContain("nowhere", "replica");
            } finally {
                for (String id : cutovers) {
                    api.post("approver", "/api/cutovers/" + id + "/abort", null);
                }
            }
            for (String id : cutovers) {
                api.awaitCutover(id, cutover -> cutover.path("state").asString().equals("ABORTED"), 90);
            }
            awaitScrape(text -> cutovers.stream().noneMatch(id -> text.contains("cutover=\"" + id + "\"")), 10,
                    text -> "still exported for a cutover that is over: " + text.lines()
                            .filter(line -> cutovers.stream().anyMatch(id -> line.contains("cutover=\"" + id + "\"")))
                            .limit(5).toList());
        }
    }

    /** The metric names in every expression of alerts.yml and of the Grafana dashboard (panels and variables). */
    @SuppressWarnings("unchecked")
    static Set<String> neededMetricNames() throws IOException {
        Set<String> names = new TreeSet<>();
        Map<String, Object> rules = new Yaml().load(Files.readString(DEPLOY.resolve("prometheus/alerts.yml")));
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                names.addAll(PromQlNames.of((String) rule.get("expr")));
            }
        }
        try (var dashboards = Files.list(DEPLOY.resolve("grafana/dashboards"))) {
            for (Path file : dashboards.filter(path -> path.toString().endsWith(".json")).toList()) {
                JsonNode dashboard = JSON.readTree(Files.readString(file));
                List<String> expressions = new ArrayList<>();
                dashboard.path("panels").forEach(panel -> panel.path("targets")
                        .forEach(target -> expressions.add(target.path("expr").asString())));
                dashboard.path("templating").path("list").forEach(variable -> expressions.add(
                        variable.path("query").isObject() ? variable.path("query").path("query").asString()
                                : variable.path("query").asString()));
                assertThat(expressions).as(file + " has queries").isNotEmpty();
                expressions.forEach(expression -> names.addAll(PromQlNames.of(expression)));
            }
        }
        return names;
    }

    private static Set<String> exported(String scraped) {
        Set<String> exported = new TreeSet<>();
        scraped.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                .forEach(line -> exported.add(line.split("[{ ]", 2)[0]));
        return exported;
    }

    private static Set<String> missing(Set<String> needed, Set<String> exported) {
        Set<String> missing = new TreeSet<>(needed);
        missing.removeAll(exported);
        missing.removeAll(MADE_BY_PROMETHEUS);
        return missing;
    }

    private String awaitScrape(java.util.function.Predicate<String> condition, int seconds,
                               java.util.function.Function<String, String> why) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String text = "";
        while (System.nanoTime() < deadline) {
            Api.Answer answer = api.get("viewer", "/actuator/prometheus");
            assertThat(answer.status()).isEqualTo(200);
            text = answer.text();
            if (condition.test(text)) {
                return text;
            }

            Api.sleep(500);
        }
        throw new AssertionError("after " + seconds + " s, " + why.apply(text));
    }

    private static void writeSourceObjects(Path dir, int count, int size) throws IOException {
        Random random = new Random(12);
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            Path file = dir.resolve(String.format("img/%03d.bin", i));
            Files.createDirectories(file.getParent());
            Files.write(file, data);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Debian's {@code /usr/bin/prometheus} on loopback with the shipped {@code deploy/prometheus}
     * files, the scrape target and intervals changed for a test (this service, every second).
     * Stopped by its own pid.
     */
    static final class ShippedPrometheus implements AutoCloseable {

        private static final Path EXECUTABLE = Paths.get("/usr/bin/prometheus");
        private final Path dir;
        private final Process process;
        private final int port;

        private ShippedPrometheus(Path dir, Process process, int port) {
            this.dir = dir;
            this.process = process;
            this.port = port;
        }

        static ShippedPrometheus start(int servicePort) throws IOException, InterruptedException {
            Promtool.ensureInstalled();  // the same package brings both binaries
            Path dir = Files.createTempDirectory("shipped-prometheus-");
            String config = Files.readString(DEPLOY.resolve("prometheus/prometheus.yml"))
                    .replace("scrape_interval: 15s", "scrape_interval: 1s")
                    .replace("evaluation_interval: 15s", "evaluation_interval: 1s")
                    .replace("\"cutover:8080\"", "\"127.0.0.1:" + servicePort + "\"");
            assertThat(config).as("the test's replacements found their text").contains("127.0.0.1:" + servicePort)
                    .contains("scrape_interval: 1s");
            Files.writeString(dir.resolve("prometheus.yml"), config);
            Files.copy(DEPLOY.resolve("prometheus/alerts.yml"), dir.resolve("alerts.yml"));
            Files.copy(DEPLOY.resolve("prometheus/viewer-password"), dir.resolve("viewer-password"));
            int port = closedPort();
            Process process = new ProcessBuilder(EXECUTABLE.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                    "--storage.tsdb.retention.time=1h")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            ShippedPrometheus prometheus = new ShippedPrometheus(dir, process, port);
            for (int i = 0; i < 150; i++) {
                if (!process.isAlive()) {
                    throw new AssertionError("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
                }
                if (prometheus.status("/-/ready") == 200) {
                    return prometheus;
                }
                Thread.sleep(200);
            }
            prometheus.close();
            throw new AssertionError("prometheus not ready within 30 s");
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        /** The value of an instant query's only series, polled for up to 30 s until it has one. */
        String query(String promql) throws Exception {
            String last = "";
            for (int i = 0; i < 60; i++) {
                last = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
                JsonNode result = JSON.readTree(last).path("data").path("result");
                if (result.size() == 1 && !"0".equals(result.get(0).path("value").get(1).asString())) {
                    return result.get(0).path("value").get(1).asString();
                }
                Thread.sleep(500);
            }
            throw new AssertionError(promql + " answered " + last + "; prometheus log: "
                    + Files.readString(dir.resolve("prometheus.log")));
        }

        int rulesLoaded() throws Exception {
            JsonNode groups = JSON.readTree(get("/api/v1/rules")).path("data").path("groups");
            int rules = 0;
            for (JsonNode group : groups) {
                rules += group.path("rules").size();
            }
            return rules;
        }

        private int status(String path) {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        private String get(String path) throws Exception {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind
            }
        }
    }
}
