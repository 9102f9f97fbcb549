package dev.cutover.sandbox;

import dev.cutover.CutoverApplication;
import dev.cutover.database.mysql.ApplicationWriter;
import dev.cutover.testsupport.Api;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The traffic gate of {@code runbooks/rehearsal.yaml} timed (bench/traffic-validation.sh runs it):
 * the service in this JVM over its REST API on the local stack, an application writing 50
 * orders/s. First {@value #CLEAN_RUNS} clean rehearsals, each of which must complete with the gate
 * passing (one rolled back is a false rollback); then one where the shop's error rate is raised to
 * 0.2, {@value #RAISE_AFTER_MS} ms into the gate, and the service must roll back by itself.
 *
 * <p>"Scrapeable" is when the sandbox's Prometheus first answers the raised value: this polls
 * {@code shop_error_rate_setting} (the control's value, served with the counters it drives) every
 * 100 ms from the raise on. The gate's failure and the end of the rollback are the event log's
 * times of {@code step failed traffic-healthy} and {@code rollback completed}; lost writes are the
 * acknowledged ones missing on the server that is primary at the end of each run. Last line:
 * {@code traffic-validation: detect_ms=.. rollback_s=.. lost=.. false_rollbacks=..}.
 */
public final class TrafficValidationBenchmark {

    static final int CLEAN_RUNS = 5;
    static final long RAISE_AFTER_MS = 3_000;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public static void main(String[] args) throws Exception {
        System.setProperty("CUTOVER_TEST_PEERS", "script");
        Path work = Files.createTempDirectory("traffic-validation-");
        try (RehearsalStack stack = RehearsalStack.start(work).seed(200)) {
            ConfigurableApplicationContext app = new SpringApplication(CutoverApplication.class).run("--server.port=0",
                    "--spring.datasource.url=jdbc:h2:mem:traffic;DB_CLOSE_DELAY=-1", "--cutover.scheduling.enabled=false",
                    "--spring.main.banner-mode=off", "--logging.level.root=WARN");
            try {
                Api api = new Api(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));
                RehearsalDriver driver = new RehearsalDriver(api);
                int falseRollbacks = 0;
                long lost = 0;
                for (int i = 1; i <= CLEAN_RUNS; i++) {
                    stack.restore();
                    Run clean = run(stack, driver, "clean-" + i, false);
                    lost += clean.lost();
                    if ("ROLLED_BACK".equals(clean.state())) {
                        falseRollbacks++;
                    } else if (!"COMPLETED".equals(clean.state())) {
                        System.out.println("clean-" + i + " ended " + clean.state() + ", neither completed nor rolled back");
                    }
                }
                stack.restore();
                Run raised = run(stack, driver, "raised", true);
                lost += raised.lost();
                System.out.printf("traffic-validation: detect_ms=%d rollback_s=%.1f lost=%d false_rollbacks=%d%n",
                        raised.detectMillis(), raised.rollbackSeconds(), lost, falseRollbacks);
            } finally {
                app.close();
                stack.restore();
            }
        }
    }

    record Run(String state, long lost, long detectMillis, double rollbackSeconds) {
    }

    private static Run run(RehearsalStack stack, RehearsalDriver driver, String label, boolean raise) throws Exception {
        String id = driver.create();
        long started = System.nanoTime();
        Instant[] scrapeable = new Instant[1];
        try (ApplicationWriter writer = stack.startOrdersWriter(50);
             RehearsalStack.ObjectLander lander = stack.startObjectLander("incoming/" + label + "/", 200)) {
            JsonNode end = driver.runAll(id, () -> close(lander), () -> {
                if (raise) {
                    Api.sleep(RAISE_AFTER_MS);
                    stack.shopApplication().errorRate(0.2);
                    scrapeable[0] = awaitPrometheus(stack, "shop_error_rate_setting", "\"0.2\"");
                }
            });
            stack.shopApplication().errorRate(0);
            Thread.sleep(1_000);
            writer.close();
            String state = end.path("state").asString();
            String primary = "COMPLETED".equals(state) ? "replica" : "source";
            long lost = writer.missingOn(primary, writer.acks());
            JsonNode gate = Api.step(end, RehearsalDriver.TRAFFIC_GATE);
            System.out.printf("%s: %s in %.1f s; gate %s (%s); %d acknowledged writes, %d missing on the %s%n", label,
                    state, (System.nanoTime() - started) / 1e9, gate.path("state").asString(),
                    gate.path("output").path("summary").asString(""), writer.acks().size(), lost, primary);
            if (!raise) {
                return new Run(state, lost, -1, -1);
            }
            JsonNode events = driver.events(id);
            Instant failed = occurredAt(events, "step", "failed", RehearsalDriver.TRAFFIC_GATE);
            Instant rolledBack = occurredAt(events, "rollback", "completed", "");
            long detect = failed == null || scrapeable[0] == null ? -1 : Duration.between(scrapeable[0], failed).toMillis();
            double rollback = failed == null || rolledBack == null ? -1
                    : Duration.between(failed, rolledBack).toMillis() / 1000.0;
            System.out.printf("%s: error rate raised %d ms into the gate; Prometheus answered it at %s; gate failed at %s; "
                    + "ROLLED_BACK at %s%n", label, RAISE_AFTER_MS, scrapeable[0], failed, rolledBack);
            return new Run(state, lost, detect, rollback);
        }
    }

    /** Polls Prometheus every 100 ms until {@code query} answers a body containing {@code expected}; when it did. */
    private static Instant awaitPrometheus(RehearsalStack stack, String query, String expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(stack.prometheusUrl()
                                + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (answer.body().contains(expected)) {
                    return Instant.now();
                }
            } catch (java.io.IOException e) {
                // Prometheus busy: ask again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            Api.sleep(100);
        }
        return null;
    }

    private static Instant occurredAt(JsonNode events, String action, String outcome, String stepId) {
        for (JsonNode event : events) {
            if (action.equals(event.path("action").asString()) && outcome.equals(event.path("outcome").asString())
                    && stepId.equals(event.path("stepId").asString(""))) {
                return Instant.parse(event.path("occurredAt").asString());
            }
        }
        return null;
    }

    private static void close(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
