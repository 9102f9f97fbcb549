package dev.cutover.database.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.nio.file.Files;
import java.sql.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * As a new user would: a runbook with {@code write-freeze}, {@code mysql-lag-gate},
 * {@code mysql-promote} and {@code mysql-verify} over the REST API against the test stack's real
 * MariaDB pair, then a rollback that makes the old primary the primary again with nothing lost.
 * Passwords come from a secret file and never show in answers or the event log.
 */
class MySqlCutoverTests extends ServiceTest {

    private static final ReplicationPair PAIR = new ReplicationPair();
    private static final String PASSWORD = "${file:@WORK@/mysql-password}";

    @AfterEach
    void restore() throws Exception {
        PAIR.restoreOriginalTopology();
    }

    @Test
    void freezeGatePromoteVerifyThenRollbackLosesNothing() throws Exception {
        PAIR.createAppUser();
        String table = PAIR.createTable("orders");
        String qualified = ReplicationPair.DATABASE + "." + table;
        PAIR.execute("source", "INSERT INTO " + qualified + " (note, amount) VALUES ('first', 10.00), ('second', 20.00)");
        Files.writeString(RUNBOOKS.work().resolve("mysql-password"), PAIR.peers.password());
        RUNBOOKS.add("mysql-cutover.yaml", runbook("mysql-cutover", qualified, true));
        api.post("operator", "/api/runbooks/reload", "");
        String id = createCutover("mysql-cutover");

        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/database-failover/start", null).status())
                .isEqualTo(202);
        JsonNode done = api.awaitCutover(id, c -> !c.path("state").asString().equals("RUNNING"), 60);

        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("COMPLETED");
        JsonNode gate = Api.step(done, "replica-caught-up").path("output").path("evidence");
        assertThat(gate.path("openedBy").asString()).as("after the freeze one sample proves it").isEqualTo("proof");
        assertThat(gate.path("samples").size()).isGreaterThanOrEqualTo(1);
        assertThat(gate.path("samples").get(0).has("secondsBehind")).isTrue();
        assertThat(api.get("viewer", "/actuator/prometheus").text())
                .containsPattern("cutover_replication_lag_seconds\\{[^}]*connection=\"orders-replica\"[^}]*} 0\\.0");
        assertThat(Api.step(done, "promote-replica").path("output").path("evidence").path("timingsMs").has("writable")).isTrue();
        assertThat(Api.step(done, "verify-orders").path("output").path("evidence").path("mismatches").size()).isZero();
        try (Connection app = PAIR.app("replica")) {
            app.createStatement().execute("INSERT INTO " + qualified + " (note) VALUES ('written after promotion')");
        }

        assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", null).status()).isEqualTo(202);
        JsonNode rolledBack = api.awaitState(id, "ROLLED_BACK");

        assertThat(Api.stepState(rolledBack, "promote-replica")).isEqualTo("ROLLED_BACK");
        assertThat(PAIR.count("source", table)).as("the write on the new primary came back").isEqualTo(3);
        try (Connection app = PAIR.app("source")) {
            app.createStatement().execute("INSERT INTO " + qualified + " (note) VALUES ('after rollback')");
        }
        PAIR.awaitReplicaCaughtUp();
        assertThat(PAIR.count("replica", table)).isEqualTo(4);
        String story = api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").text()
                + api.get("viewer", "/api/cutovers/" + id).text();
        assertThat(story).contains("mysql-promote", "reverse replication", "source is the primary again")
                .doesNotContain("password\":\"" + PAIR.peers.password());
    }

    @Test
    void withoutReverseReplicationRollbackPastThePointOfNoReturnIsRefusedSayingWhatWouldBeLost() throws Exception {
        PAIR.createAppUser();
        String qualified = ReplicationPair.DATABASE + "." + PAIR.createTable("one_way");
        Files.writeString(RUNBOOKS.work().resolve("mysql-password"), PAIR.peers.password());
        RUNBOOKS.add("mysql-one-way.yaml", runbook("mysql-one-way", qualified, false));
        api.post("operator", "/api/runbooks/reload", "");
        String id = createCutover("mysql-one-way");
        api.post("operator", "/api/cutovers/" + id + "/phases/database-failover/start", null);
        JsonNode done = api.awaitCutover(id, c -> !c.path("state").asString().equals("RUNNING"), 60);
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("COMPLETED");
        assertThat(done.path("allowedActions").toString()).doesNotContain("rollback");

        Api.Answer refused = api.post("approver", "/api/cutovers/" + id + "/rollback", null);

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().path("detail").asString())
                .contains("database-failover is a point of no return")
                .contains("every write made on orders-replica after its promotion (no reverse replication to orders-source)");
    }

    private static String runbook(String name, String table, boolean reverse) {
        return """
                name: %s
                description: MySQL failover against the test stack's MariaDB pair
                environments:
                  local:
                    connections:
                      orders-source: %s
                      orders-replica: %s
                phases:
                  - name: database-failover
                    pointOfNoReturn: true
                    steps:
                      - id: freeze-writes
                        type: write-freeze
                        with: { connection: orders-source, strategy: read-only, endSessionsOf: [%s], verifyWindow: 300ms }
                      - id: replica-caught-up
                        type: mysql-lag-gate
                        with: { replica: orders-replica, source: orders-source, maxLag: 1s, interval: 100ms, consecutive: 3 }
                      - id: promote-replica
                        type: mysql-promote
                        with: { source: orders-source, replica: orders-replica, endSessionsOf: [%s], reverseReplication: %s }
                      - id: verify-orders
                        type: mysql-verify
                        with: { source: orders-source, target: orders-replica, databases: [%s], tables: [%s] }
                """.formatted(name, PAIR.runbookConnection("source", PASSWORD), PAIR.runbookConnection("replica", PASSWORD),
                ReplicationPair.APP_USER, ReplicationPair.APP_USER, reverse, ReplicationPair.DATABASE, table);
    }
}
