package dev.cutover.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.database.mysql.ReplicationPair;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The one readiness gate against real inputs: a filesystem bucket mapping with a backlog, the test
 * stack's MariaDB replica held behind by a table lock, and a source that still takes writes. The
 * gate stays closed naming all three, and opens only once each is resolved.
 */
class CutoverReadinessTests extends ServiceTest {

    private static final ReplicationPair PAIR = new ReplicationPair();

    @AfterEach
    void restore() throws Exception {
        PAIR.restoreOriginalTopology();
    }

    @Test
    void staysClosedNamingEachInputThatHoldsItThenOpensWithEveryFigure() throws Exception {
        Path pending = RUNBOOKS.work().resolve("ready-src/assets/pending.txt");
        Files.createDirectories(pending.getParent());
        Files.createDirectories(RUNBOOKS.work().resolve("ready-dst/assets"));
        Files.writeString(pending, "not yet copied");
        String table = ReplicationPair.DATABASE + "." + PAIR.createTable("readiness");
        Files.writeString(RUNBOOKS.work().resolve("mysql-password"), PAIR.peers.password());
        RUNBOOKS.add("readiness.yaml", runbook());
        api.post("operator", "/api/runbooks/reload", "");

        String id;
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try (Connection source = PAIR.admin("source"); Statement statement = source.createStatement()) {
                while (writing.get()) {
                    statement.execute("INSERT INTO " + table + " (note) VALUES ('still writing')");
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (Connection lock = PAIR.admin("replica"); Statement locker = lock.createStatement()) {
            locker.execute("LOCK TABLES " + table + " WRITE");
            writer.start();
            id = createCutover("readiness");
            api.post("operator", "/api/cutovers/" + id + "/phases/switch/start", null);

            JsonNode closed = api.awaitCutover(id, c -> String.join("\n", heldBy(c)).contains("written since"), 30);
            assertThat(String.join("\n", heldBy(closed)))
                    .contains("storage backlog sync-assets: 1 objects")
                    .contains("mysql lag orders-replica")
                    .contains("freeze orders-source: written since the last sample");

            writing.set(false);
            writer.join();
            Files.delete(pending);
            locker.execute("UNLOCK TABLES");
        }
        JsonNode open = api.awaitCutover(id, c -> "SUCCEEDED".equals(Api.stepState(c, "ready")), 30);

        JsonNode evidence = Api.step(open, "ready").path("output").path("evidence");
        assertThat(evidence.path("heldBy").size()).isZero();
        assertThat(evidence.path("inputs").size()).isEqualTo(3);
        for (JsonNode input : evidence.path("inputs")) {
            assertThat(input.path("ready").asBoolean()).as(input.toString()).isTrue();
        }
        assertThat(evidence.path("inputs").get(0).path("backlogObjects").asLong()).isZero();
    }

    private static List<String> heldBy(JsonNode cutover) {
        JsonNode figures = Api.step(cutover, "ready").path("output").path("figures").path("heldBy");
        return figures.valueStream().map(JsonNode::asString).toList();
    }

    private static String runbook() {
        return """
                name: readiness
                environments:
                  local:
                    connections:
                      src: { type: filesystem, root: "@WORK@/ready-src" }
                      dst: { type: filesystem, root: "@WORK@/ready-dst" }
                      orders-source: %s
                      orders-replica: %s
                phases:
                  - name: switch
                    steps:
                      - id: ready
                        type: cutover-readiness
                        timeout: 60s
                        with: { storageSteps: [sync-assets], mysqlReplicas: { orders-replica: orders-source },
                                frozen: [orders-source], interval: 300ms, consecutive: 2 }
                  - name: later
                    steps:
                      - id: sync-assets
                        type: storage-sync
                        with: { source: src, sourceBucket: assets, target: dst, targetBucket: assets, mode: final }
                """.formatted(PAIR.runbookConnection("source", "${file:@WORK@/mysql-password}"),
                PAIR.runbookConnection("replica", "${file:@WORK@/mysql-password}"));
    }
}
