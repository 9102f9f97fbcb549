package dev.cutover.database.mysql;

import dev.cutover.CutoverApplication;
import dev.cutover.testsupport.Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Promotion and its rollback under write load, against the test stack's MariaDB pair, with the
 * whole service in this JVM driven over its REST API (bench/promotion-under-load.sh runs it):
 * <ol>
 * <li>an application writer (the non-admin account) inserts a row every 5 ms (≈200/s) into
 * whichever server it believes is the primary, recording every acknowledged id; when a write is
 * rejected it records the error (code and message) and tries the other server next — an
 * application whose connection pool fails over;</li>
 * <li>a phase {@code pre-checks} (a lag gate while writes flow) runs first, as a runbook's earlier
 * phases do on the night, so the service is not fresh from boot;</li>
 * <li>the phase {@code write-freeze → mysql-lag-gate → mysql-promote} runs; the window is the time
 * from the last acknowledged write on the old primary to the first on the new one; every
 * acknowledged id must be on the new primary;</li>
 * <li>after 2 s, {@code POST /rollback}; the same figures the other way; every id acknowledged on
 * either server must be on the old primary.</li>
 * </ol>
 * Last line: {@code promotion-under-load: window_ms=.. acknowledged=.. lost=.. rollback_window_ms=.. rollback_lost=..}.
 */
public final class PromotionUnderLoadBenchmark {

    private static final ReplicationPair PAIR = new ReplicationPair();

    public static void main(String[] args) throws Exception {
        PAIR.restoreOriginalTopology();
        PAIR.createAppUser();
        String table = ReplicationPair.DATABASE + "." + PAIR.createTable("bench_writes");
        Path runbooks = Files.createTempDirectory("promotion-bench-");
        Files.writeString(runbooks.resolve("mysql-password"), PAIR.peers.password());
        Files.writeString(runbooks.resolve("promotion.yaml"), runbook(runbooks.resolve("mysql-password")));
        ConfigurableApplicationContext app = new SpringApplication(CutoverApplication.class).run("--server.port=0",
                "--cutover.runbooks.location=" + runbooks, "--spring.datasource.url=jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1",
                "--cutover.scheduling.enabled=false", "--spring.main.banner-mode=off", "--logging.level.root=WARN");
        ApplicationWriter writer = new ApplicationWriter(PAIR, table, 200);
        try {
            Api api = new Api(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));
            writer.start();
            Thread.sleep(2_000);
            String id = api.post("operator", "/api/cutovers",
                    "{\"runbook\":\"promotion\",\"environment\":\"local\",\"rehearsal\":true}").body().path("id").asString();
            // As on the night, the service has run the runbook's earlier phases before the failover: a service
            // fresh from boot spends about 80 ms of the window running code for the first time (JIT, class loading).
            api.post("operator", "/api/cutovers/" + id + "/phases/pre-checks/start", null);
            api.awaitCutover(id, c -> "READY".equals(c.path("state").asString()), 60);
            Thread.sleep(1_000);
            long phaseStart = System.nanoTime();
            api.post("operator", "/api/cutovers/" + id + "/phases/database-failover/start", null);
            JsonNode done = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), 120);
            long phaseMs = (System.nanoTime() - phaseStart) / 1_000_000;
            if (!"COMPLETED".equals(done.path("state").asString())) {
                throw new IllegalStateException("the promotion phase ended " + done);
            }
            Thread.sleep(2_000);
            List<ApplicationWriter.Ack> promotedAcks = writer.acks();
            ApplicationWriter.Window promotion = writer.window("source", "replica", phaseStart);
            long lost = writer.missingOn("replica", promotedAcks);
            say("promotion: phase %d ms; window %d ms (last ack on source -> first ack on replica); %d rejected writes %s",
                    phaseMs, promotion.millis(), promotion.rejections(), writer.errorCodes(phaseStart));
            for (String step : List.of("freeze-writes", "replica-caught-up", "promote-replica")) {
                JsonNode s = Api.step(done, step);
                say("  %-18s %s", step, s.path("output").path("summary").asString());
            }

            dev.cutover.testsupport.WindowTimeline.lines(done, "freeze-writes", "promote-replica")
                    .forEach(System.out::println);
            // Inside the promotion: ms from its start to each moment (caught up, replication stopped, reverse running, writable).
            say("promotion moments (ms from its start): %s", Api.step(done, "promote-replica").path("output")
                    .path("evidence").path("timingsMs"));

            long rollbackStart = System.nanoTime();
            api.post("approver", "/api/cutovers/" + id + "/rollback", null);
            JsonNode rolledBack = api.awaitCutover(id, c -> !"ROLLING_BACK".equals(c.path("state").asString()), 120);
            long rollbackMs = (System.nanoTime() - rollbackStart) / 1_000_000;
            if (!"ROLLED_BACK".equals(rolledBack.path("state").asString())) {
                throw new IllegalStateException("the rollback ended " + rolledBack);
            }
            Thread.sleep(2_000);
            writer.close();
            ApplicationWriter.Window rollback = writer.window("replica", "source", rollbackStart);
            long rollbackLost = writer.missingOn("source", writer.acks());
            say("rollback: %d ms; window %d ms (last ack on replica -> first ack on source); %d rejected writes %s",
                    rollbackMs, rollback.millis(), rollback.rejections(), writer.errorCodes(rollbackStart));
            int acknowledged = writer.acks().size();
            say("writer: %d acknowledged in %.1f s (%.0f/s)", acknowledged, writer.elapsedSeconds(),
                    acknowledged / writer.elapsedSeconds());
            System.out.printf("promotion-under-load: window_ms=%d acknowledged=%d lost=%d rollback_window_ms=%d "
                    + "rollback_lost=%d%n", promotion.millis(), acknowledged, lost, rollback.millis(), rollbackLost);
        } finally {
            writer.close();
            app.close();
            PAIR.restoreOriginalTopology();
            // Its rows would otherwise stay in the shared test database and lengthen every later rehearsal's snapshot.
            PAIR.execute("source", "DROP TABLE IF EXISTS " + table);
        }
    }

    private static String runbook(Path passwordFile) {
        return """
                name: promotion
                environments:
                  local:
                    connections:
                      orders-source: %s
                      orders-replica: %s
                phases:
                  - name: pre-checks
                    steps:
                      - { id: replication-healthy, type: mysql-lag-gate, with: { replica: orders-replica, source: orders-source,
                          maxLag: 1s, interval: 50ms, consecutive: 3 } }
                  - name: database-failover
                    steps:
                      - { id: freeze-writes, type: write-freeze, with: { connection: orders-source, strategy: read-only,
                          endSessionsOf: [%s], verifyWindow: 200ms } }
                      - { id: replica-caught-up, type: mysql-lag-gate, with: { replica: orders-replica, source: orders-source,
                          maxLag: 1s, interval: 50ms, consecutive: 3 } }
                      - { id: promote-replica, type: mysql-promote, with: { source: orders-source, replica: orders-replica,
                          endSessionsOf: [%s] } }
                """.formatted(PAIR.runbookConnection("source", "${file:" + passwordFile + "}"),
                PAIR.runbookConnection("replica", "${file:" + passwordFile + "}"), ReplicationPair.APP_USER, ReplicationPair.APP_USER);
    }

    private static void say(String format, Object... args) {
        System.out.printf(format + "%n", args);
    }
}
