package dev.cutover.database.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import dev.cutover.testsupport.net.FaultyLink;
import dev.cutover.testsupport.net.PrivateMariaDb;
import dev.cutover.testsupport.net.PrivateReplicationPair;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A replica that cannot hear its source, on one private MariaDB pair shared by the cases (source on
 * the host end of a {@link FaultyLink}, replica inside, heartbeat every second): its replication
 * port partitioned, or the replica killed with SIGKILL. A cut-off replica keeps saying IO thread
 * {@code Yes} and 0 s behind for up to slave_net_timeout, so each case checks that nothing believes
 * it: a lag gate without a source stays shut, {@code mysql-promote} refuses, a gate over a killed
 * replica holds as "unknown" and opens only after the restart and catch-up.
 */
class ReplicaCutOffTests extends ServiceTest {

    private static final int SOURCE_PORT = 3317;

    private static PrivateReplicationPair pair;
    private static FaultyLink link;
    private static PrivateMariaDb source;
    private static PrivateMariaDb replica;

    @BeforeAll
    static void pair() throws IOException {
        long began = System.nanoTime();
        pair = PrivateReplicationPair.start(SOURCE_PORT, 21, "CREATE DATABASE shop; CREATE TABLE shop.orders (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40));"
                + " CREATE USER 'app'@'%' IDENTIFIED BY 'app'; GRANT SELECT, INSERT ON shop.* TO 'app'@'%';");
        link = pair.link();
        source = pair.source();
        replica = pair.replica();
        Files.writeString(RUNBOOKS.work().resolve("nf-cut-password"), PrivateMariaDb.PASSWORD);
        System.out.printf("ReplicaCutOffTests: link and private MariaDB pair up in %d ms%n",
                (System.nanoTime() - began) / 1_000_000);
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @AfterEach
    void heal() {
        link.heal();
        source.sql("SET GLOBAL read_only = OFF");
    }

    @Test
    void aGateWithoutItsSourceStaysShutWhileTheReplicaIsCutOffAndOpensAfterTheHeal() {
        addGateRunbook("nf-cut-blind", "");
        link.partition(SOURCE_PORT);
        String id = createCutover("nf-cut-blind");
        api.post("operator", "/api/cutovers/" + id + "/phases/catch-up/start", null);
        holdFor(id, 2_500);
        List<JsonNode> points = points(id);
        assertThat(points).as("samples taken while cut off").hasSizeGreaterThanOrEqualTo(3);
        assertThat(points).as("lag of a replica seen receiving nothing is unknown, never 0").allMatch(p -> p.get(1).isNull());
        assertThat(gateStep(id)).as("the reason the gate holds").contains("lag unknown")
                .containsAnyOf("not yet seen the replica receive", "nothing received from the source");
        long healed = System.nanoTime();
        link.heal();
        JsonNode ended = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), 30);
        assertThat(stepState(ended, "replica-caught-up")).as(ended.toString()).isEqualTo("SUCCEEDED");
        System.out.printf("ReplicaCutOffTests: blind gate held %d samples as unknown, opened %d ms after the heal%n",
                points.size(), (System.nanoTime() - healed) / 1_000_000);
    }

    @Test
    void promotionRefusesWhileTheReplicaCannotReachItsSource() {
        addRunbook("nf-cut-promote.yaml", """
                name: nf-cut-promote
                description: Promotion of a replica cut off from its source (ReplicaCutOffTests)
                environments:
                  local:
                    connections:
                      source: { type: mysql, url: "%s", user: %s, password: "${file:@WORK@/nf-cut-password}", replicationUser: replicator, replicationPassword: replicator }
                      replica: { type: mysql, url: "%s", user: %s, password: "${file:@WORK@/nf-cut-password}", replicationUser: replicator, replicationPassword: replicator }
                phases:
                  - name: promote
                    steps:
                      - id: promote-replica
                        type: mysql-promote
                        timeout: 1m
                        with: { source: source, replica: replica, catchUpTimeout: 20s }
                """.formatted(source.jdbcUrl("shop"), PrivateMariaDb.USER, replica.jdbcUrl("shop"), PrivateMariaDb.USER));
        source.sql("SET GLOBAL read_only = ON");
        link.partition(SOURCE_PORT);
        String id = createCutover("nf-cut-promote");
        long began = System.nanoTime();
        api.post("operator", "/api/cutovers/" + id + "/phases/promote/start", null);
        // Ended: neither still waiting for its thread (PENDING, on a busy machine) nor running.
        JsonNode ended = api.awaitCutover(id, c -> !List.of("PENDING", "RUNNING").contains(stepState(c, "promote-replica")), 30);
        long detectedMs = (System.nanoTime() - began) / 1_000_000;
        assertThat(stepState(ended, "promote-replica")).as(ended.toString()).isEqualTo("FAILED");
        assertThat(Api.step(ended, "promote-replica").toString()).contains("refusing to promote replica",
                "replica cannot reach source", "no heartbeat");
        assertThat(replica.sql("SELECT @@read_only")).as("the replica was left as it was").isEqualTo("1");
        assertThat(replica.sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Slave_IO'"))
                .as("the replica still replicates").isEqualTo("1");
        System.out.printf("ReplicaCutOffTests: promotion refused %d ms after it started (heartbeat 1 s)%n", detectedMs);
    }

    @Test
    void aGateOverAKilledReplicaHoldsAsUnknownAndOpensAfterTheRestartAndCatchUp() throws Exception {
        addGateRunbook("nf-cut-killed", "source: source, ");
        String id = createCutover("nf-cut-killed");
        api.post("operator", "/api/cutovers/" + id + "/phases/catch-up/start", null);
        replica.kill9();
        long killed = System.nanoTime();
        source.sql("INSERT INTO shop.orders (note) VALUES ('while the replica is down')");
        holdFor(id, 2_000);
        assertThat(gateStep(id)).as("the reason the gate holds").contains("cannot read replication status",
                "cannot connect to replica");
        replica.restart();
        long restarted = System.nanoTime();
        JsonNode ended = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), 30);
        assertThat(stepState(ended, "replica-caught-up")).as(ended.toString()).isEqualTo("SUCCEEDED");
        assertThat(replica.sql("SELECT COUNT(*) FROM shop.orders")).as("the replica caught up after its restart")
                .isEqualTo(source.sql("SELECT COUNT(*) FROM shop.orders"));
        List<JsonNode> points = points(id);
        assertThat(points.stream().filter(p -> p.get(1).isNull()).count()).as("unknown samples while it was down: %s", points)
                .isGreaterThanOrEqualTo(3);
        System.out.printf("ReplicaCutOffTests: gate held %d ms over a SIGKILLed replica, opened %d ms after its restart%n",
                (restarted - killed) / 1_000_000, (System.nanoTime() - restarted) / 1_000_000);
    }

    /**
     * The link between the orchestrator and the replica is cut while promotion waits for the replica
     * (held back by MASTER_DELAY) to execute the frozen source's last position: the wait's answer
     * never arrives, and only the statement timeout ends the step. The rollback then puts the source
     * back as the writable primary; every write the application saw acknowledged is on it.
     */
    @Test
    void aCutMidPromotionEndsItByTheStatementTimeoutAndTheRollbackLosesNoAcknowledgedWrite() throws Exception {
        addRunbook("nf-cut-midpromote.yaml", """
                name: nf-cut-midpromote
                description: A link cut in the middle of a promotion (ReplicaCutOffTests)
                environments:
                  local:
                    connections:
                      source: { type: mysql, url: "%s", user: %s, password: "${file:@WORK@/nf-cut-password}", replicationUser: replicator, replicationPassword: replicator }
                      replica: { type: mysql, url: "%s", user: %s, password: "${file:@WORK@/nf-cut-password}", replicationUser: replicator, replicationPassword: replicator }
                phases:
                  - name: promote
                    steps:
                      - id: promote-replica
                        type: mysql-promote
                        timeout: 2m
                        with: { source: source, replica: replica, catchUpTimeout: 3s, statementTimeout: 2s }
                """.formatted(withoutSocketTimeout(source), PrivateMariaDb.USER, withoutSocketTimeout(replica),
                PrivateMariaDb.USER));
        replica.sql("STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 60, MASTER_HEARTBEAT_PERIOD = 1; START SLAVE;");
        List<Integer> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread application = new Thread(() -> {
            while (writing.get()) {
                try (java.sql.Connection c = java.sql.DriverManager.getConnection(source.jdbcUrl("shop"), "app", "app");
                     java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO orders (note) VALUES ('app')",
                             java.sql.Statement.RETURN_GENERATED_KEYS)) {
                    while (writing.get()) {
                        try {
                            insert.executeUpdate();
                            try (java.sql.ResultSet keys = insert.getGeneratedKeys()) {
                                keys.next();
                                acknowledged.add(keys.getInt(1));
                            }
                        } catch (java.sql.SQLException refused) {
                            // read-only while frozen: not acknowledged, so not counted
                        }
                        Thread.sleep(20);
                    }
                } catch (java.sql.SQLException | InterruptedException e) {
                    Api.sleep(100);
                }
            }
        }, "application-on-the-source");
        application.setDaemon(true);
        application.start();
        try {
            long until = System.currentTimeMillis() + 10_000;
            while (acknowledged.size() < 5 && System.currentTimeMillis() < until) {
                Api.sleep(50);
            }
            assertThat(acknowledged).as("writes acknowledged before the freeze").hasSizeGreaterThanOrEqualTo(5);
            source.sql("SET GLOBAL read_only = ON");
            int beforeFreeze = acknowledged.size();
            String id = createCutover("nf-cut-midpromote");
            api.post("operator", "/api/cutovers/" + id + "/phases/promote/start", null);
            api.awaitCutover(id, c -> Api.step(c, "promote-replica").toString().contains("waiting until replica executed")
                    || !"RUNNING".equals(c.path("state").asString()), 30);
            link.partition(PrivateMariaDb.PORT);
            long cut = System.nanoTime();
            JsonNode failed = api.awaitCutover(id, c -> !"RUNNING".equals(stepState(c, "promote-replica")), 30);
            long endedMs = (System.nanoTime() - cut) / 1_000_000;
            assertThat(stepState(failed, "promote-replica")).as(failed.toString()).isEqualTo("FAILED");
            assertThat(Api.step(failed, "promote-replica").toString()).contains("no answer from replica",
                    "statement timeout of 2s");
            link.heal();
            // MASTER_DELAY was this test's way to hold the replica back, not part of the night.
            replica.sql("STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 0, MASTER_HEARTBEAT_PERIOD = 1; START SLAVE;");
            assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", null).status()).isEqualTo(202);
            JsonNode rolledBack = api.awaitCutover(id, c -> !"ROLLING_BACK".equals(c.path("state").asString())
                    && !"FAILED".equals(c.path("state").asString()), 30);
            assertThat(rolledBack.path("state").asString()).as(rolledBack.toString()).isEqualTo("ROLLED_BACK");
            assertThat(source.sql("SELECT @@read_only")).as("the source is the writable primary again").isEqualTo("0");
            assertThat(replica.sql("SELECT @@read_only")).as("the replica stays read-only").isEqualTo("1");
            Api.sleep(300);
            writing.set(false);
            application.join(5_000);
            assertThat(acknowledged.size()).as("writes acknowledged after the rollback").isGreaterThan(beforeFreeze);
            java.util.Set<String> onSource = java.util.Set.of(source.sql("SELECT id FROM shop.orders").split("\\s+"));
            assertThat(acknowledged).as("every acknowledged write is on the source")
                    .allMatch(ack -> onSource.contains(String.valueOf(ack)));
            assertThat(replica.sql("SELECT MASTER_GTID_WAIT('" + source.sql("SELECT @@gtid_binlog_pos") + "', 20)"))
                    .as("the replica replicates from the source again").isEqualTo("0");
            System.out.printf("ReplicaCutOffTests: a cut mid-promotion ended the step %d ms after the cut (statement "
                    + "timeout 2s, catch-up 3s); rollback kept all %d acknowledged writes%n", endedMs, acknowledged.size());
        } finally {
            writing.set(false);
            link.heal();
        }
    }

    /** As an operator writes it: no socketTimeout in the URL, so only the step's statementTimeout ends a silent read. */
    private static String withoutSocketTimeout(PrivateMariaDb server) {
        return "jdbc:mysql://" + server.host() + ":" + server.port() + "/shop?connectTimeout=2000";
    }

    private void addGateRunbook(String name, String sourceArgument) {
        addRunbook(name + ".yaml", """
                name: %s
                description: A lag gate on a replica that cannot hear its source (ReplicaCutOffTests)
                environments:
                  local:
                    connections:
                      source: { type: mysql, url: "%s", user: %s, password: "${file:@WORK@/nf-cut-password}" }
                      replica: { type: mysql, url: "%s", user: %s, password: "${file:@WORK@/nf-cut-password}" }
                phases:
                  - name: catch-up
                    steps:
                      - id: replica-caught-up
                        type: mysql-lag-gate
                        timeout: 1m
                        with: { replica: replica, %smaxLag: 5s, consecutive: 3, interval: 250ms, catchUpWithin: 500ms }
                """.formatted(name, source.jdbcUrl("shop"), PrivateMariaDb.USER, replica.jdbcUrl("shop"),
                PrivateMariaDb.USER, sourceArgument));
    }

    private void holdFor(String id, long millis) {
        // The phase start answers before Batch starts the step: hold from the step's first sample on.
        api.awaitCutover(id, c -> !"PENDING".equals(stepState(c, "replica-caught-up")), 15);
        long until = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < until) {
            JsonNode cutover = api.get("viewer", "/api/cutovers/" + id).body();
            assertThat(stepState(cutover, "replica-caught-up")).as("the gate while the replica cannot hear its source: %s",
                    cutover).isEqualTo("RUNNING");
            Api.sleep(150);
        }
    }

    /** The gate's step as the API shows it: its progress names the last sample's reason. */
    private String gateStep(String id) {
        return Api.step(api.get("viewer", "/api/cutovers/" + id).body(), "replica-caught-up").toString();
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
