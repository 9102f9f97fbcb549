package dev.cutover.database.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import dev.cutover.testsupport.net.FaultyLink;
import dev.cutover.testsupport.net.PrivateMariaDb;
import dev.cutover.testsupport.net.PrivateReplicationPair;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The MySQL lag gate while the replica's link to its source is cut. Both servers are MariaDBs of
 * the test's own (the shared pair's replication is never touched): the source on the host end of a
 * {@link FaultyLink}, the replica inside its namespace, replicating across the veth with GTIDs and
 * heartbeats every second. While the replication port is partitioned and the application keeps
 * writing to the source, the gate holds and its samples say "unknown", never a number: the
 * replica's Seconds_Behind_Master still says 0 then (its IO thread waits out slave_net_timeout and
 * knows nothing of what it has not received). After the heal the replica catches up and the gate
 * opens.
 */
class LagGateOverPartitionedLinkTests extends ServiceTest {

    private static final int SOURCE_PORT = 3316;

    private static PrivateReplicationPair pair;
    private static FaultyLink link;
    private static PrivateMariaDb source;
    private static PrivateMariaDb replica;

    @BeforeAll
    static void pair() throws IOException {
        long began = System.nanoTime();
        pair = PrivateReplicationPair.start(SOURCE_PORT, 11, "CREATE DATABASE shop; CREATE TABLE shop.orders (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40));");
        link = pair.link();
        source = pair.source();
        replica = pair.replica();
        Files.writeString(RUNBOOKS.work().resolve("nf-lag-password"), PrivateMariaDb.PASSWORD);
        System.out.printf("LagGateOverPartitionedLinkTests: link and private MariaDB pair up in %d ms%n",
                (System.nanoTime() - began) / 1_000_000);
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void theGateHoldsAndSaysUnknownWhileTheReplicasLinkIsPartitionedAndOpensAfterTheHeal() throws Exception {
        addRunbook("nf-lag.yaml", """
                name: nf-lag
                description: A lag gate on a replica whose link to the source is cut (LagGateOverPartitionedLinkTests)
                environments:
                  local:
                    connections:
                      source: { type: mysql, url: "%s", user: %s, password: "${file:@WORK@/nf-lag-password}" }
                      replica: { type: mysql, url: "%s", user: %s, password: "${file:@WORK@/nf-lag-password}" }
                phases:
                  - name: catch-up
                    steps:
                      - id: replica-caught-up
                        type: mysql-lag-gate
                        timeout: 2m
                        with: { replica: replica, source: source, maxLag: 5s, consecutive: 3, interval: 300ms, catchUpWithin: 500ms }
                """.formatted(source.jdbcUrl("shop"), PrivateMariaDb.USER, replica.jdbcUrl("shop"), PrivateMariaDb.USER));
        link.partition(SOURCE_PORT);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        Thread application = new Thread(() -> {
            try (Connection connection = DriverManager.getConnection(source.jdbcUrl("shop"), PrivateMariaDb.USER,
                    PrivateMariaDb.PASSWORD)) {
                while (writing.get()) {
                    connection.createStatement().executeUpdate("INSERT INTO orders (note) VALUES ('while cut off')");
                    written.incrementAndGet();
                    Thread.sleep(100);
                }
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, "application-on-the-source");
        application.setDaemon(true);
        application.start();
        boolean healed = false;
        long began = System.nanoTime();
        try {
            String id = createCutover("nf-lag");
            api.post("operator", "/api/cutovers/" + id + "/phases/catch-up/start", null);
            // The phase start answers before Batch starts the step: hold from the step's first sample on.
            api.awaitCutover(id, c -> !"PENDING".equals(stepState(c, "replica-caught-up")), 15);
            long partitionEnds = System.currentTimeMillis() + 3_000;
            while (System.currentTimeMillis() < partitionEnds) {
                JsonNode cutover = api.get("viewer", "/api/cutovers/" + id).body();
                assertThat(stepState(cutover, "replica-caught-up")).as("the gate while the replica's link is cut: %s",
                        cutover).isEqualTo("RUNNING");
                Api.sleep(200);
            }
            writing.set(false);
            application.join(5_000);
            List<JsonNode> points = points(id);
            assertThat(points).as("samples taken while partitioned").hasSizeGreaterThanOrEqualTo(3);
            for (JsonNode point : points) {
                assertThat(point.get(1).isNull()).as("lag while the link is cut is unknown (null), never a number: %s",
                        points).isTrue();
            }
            assertThat(written.get()).as("orders written on the source while the replica was cut off").isPositive();
            link.heal();
            healed = true;
            JsonNode ended = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), 90);
            assertThat(ended.path("state").asString()).as(ended.toString()).isEqualTo("COMPLETED");
            assertThat(stepState(ended, "replica-caught-up")).isEqualTo("SUCCEEDED");
            assertThat(replica.sql("SELECT COUNT(*) FROM shop.orders")).as("orders on the replica after the gate opened")
                    .isEqualTo(source.sql("SELECT COUNT(*) FROM shop.orders"));
            System.out.printf("LagGateOverPartitionedLinkTests: gate held %d samples as unknown over a 3 s partition, "
                    + "opened after the heal; %d ms in all%n", points.size(), (System.nanoTime() - began) / 1_000_000);
        } finally {
            writing.set(false);
            if (!healed) {
                link.heal();
            }
        }
    }

    private List<JsonNode> points(String cutoverId) {
        JsonNode answer = api.get("viewer", "/api/cutovers/" + cutoverId + "/gate-samples?step=replica-caught-up").body();
        List<JsonNode> points = new ArrayList<>();
        for (JsonNode series : answer.path("series")) {
            series.path("points").forEach(points::add);
        }
        return points;
    }
}
