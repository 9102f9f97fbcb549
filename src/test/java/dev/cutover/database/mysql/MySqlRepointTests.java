package dev.cutover.database.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepType;
import dev.cutover.testsupport.RecordingStepContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code mysql-promote}'s {@code repoint}: a third real MariaDB (started by the test from the test
 * stack's binaries) replicating from the source follows the promoted replica, loses nothing written
 * there, and follows the original source again after the rollback.
 */
class MySqlRepointTests {

    private static final ReplicationPair PAIR = new ReplicationPair();
    private static ThirdReplica third;

    @BeforeAll
    static void third() throws Exception {
        Assumptions.assumeTrue(ThirdReplica.available(), "needs the MariaDB binaries of the test stack");
        try (MySqlServer source = PAIR.server("source")) {
            Assumptions.assumeTrue(source.flavor().mariaDb(), "the third replica is a MariaDB: the pair must be MariaDB too");
        }
        PAIR.restoreOriginalTopology();
        third = ThirdReplica.start(PAIR);
    }

    @AfterAll
    static void stop() throws Exception {
        if (third != null) {
            third.close();
        }
        PAIR.restoreOriginalTopology();
    }

    @Test
    void aRepointedReplicaFollowsTheNewPrimaryAndComesBackWithTheRollback() throws Exception {
        String table = PAIR.createTable("repointed");
        String qualified = ReplicationPair.DATABASE + "." + table;
        PAIR.execute("source", "INSERT INTO " + qualified + " (note) VALUES ('before')");
        third.awaitCaughtUp(PAIR);
        PAIR.execute("source", "SET GLOBAL read_only = ON");
        RecordingStepContext context = PAIR.context(Map.of("source", "source", "replica", "replica",
                "repoint", List.of("third"))).connection("third", "mysql", third.settings(PAIR));
        StepType promote = new MySqlPromoteStepType();

        StepOutcome promoted = promote.verify(context, promote.execute(context));

        assertThat(promoted.summary()).contains("repointed third");
        try (MySqlServer server = third.server(PAIR); MySqlServer replica = PAIR.server("replica")) {
            ReplicaStatus status = server.replicaStatus().orElseThrow();
            assertThat(status.sourcePort()).as("follows the new primary").isEqualTo(replica.settings().replicationPort());
            assertThat(status.healthy()).isTrue();
            PAIR.execute("replica", "INSERT INTO " + qualified + " (note) VALUES ('on the new primary')");
            assertThat(server.waitForGtids(replica.sourcePosition().gtids(), java.time.Duration.ofSeconds(10))).isTrue();
        }
        assertThat(count(table)).isEqualTo(2);

        promote.rollback(context);

        try (MySqlServer server = third.server(PAIR); MySqlServer source = PAIR.server("source")) {
            ReplicaStatus status = server.replicaStatus().orElseThrow();
            assertThat(status.sourcePort()).as("follows the original source again")
                    .isEqualTo(source.settings().replicationPort());
            PAIR.execute("source", "INSERT INTO " + qualified + " (note) VALUES ('after rollback')");
            assertThat(server.waitForGtids(source.sourcePosition().gtids(), java.time.Duration.ofSeconds(10))).isTrue();
        }
        assertThat(count(table)).isEqualTo(3);
    }

    private static long count(String table) throws Exception {
        try (var connection = third.admin(PAIR); var statement = connection.createStatement();
             var rs = statement.executeQuery("SELECT COUNT(*) FROM " + ReplicationPair.DATABASE + "." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
