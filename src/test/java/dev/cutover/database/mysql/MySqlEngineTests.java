package dev.cutover.database.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.database.ReplicationLagGauges;
import dev.cutover.database.WriteFreezeTypes;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepType;
import dev.cutover.testsupport.RecordingStepContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MySQL step types against the test stack's real MariaDB source + replica (real GTID
 * replication; MySQL 8.4 where Docker runs): lag is induced for real by holding a table lock on the
 * replica (the SQL thread waits on it) or by stopping the SQL thread. Each test leaves the pair as
 * it found it.
 */
class MySqlEngineTests {

    private static final ReplicationPair PAIR = new ReplicationPair();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StepType gate = new MySqlLagGateStepType(new ReplicationLagGauges(registry));
    private final StepType promote = new MySqlPromoteStepType();
    private final StepType verify = new MySqlVerifyStepType();
    private final MySqlReadOnlyFreeze freeze = new MySqlReadOnlyFreeze();

    @BeforeAll
    static void appUser() throws SQLException {
        PAIR.createAppUser();
    }

    @AfterEach
    void restore() throws Exception {
        PAIR.restoreOriginalTopology();
    }

    @Test
    void readsTheRealPairsStatus() throws Exception {
        try (MySqlServer replica = PAIR.server("replica"); MySqlServer source = PAIR.server("source")) {
            ReplicaStatus status = replica.replicaStatus().orElseThrow();
            assertThat(status.healthy()).isTrue();
            assertThat(status.secondsBehind()).isPresent();
            assertThat(replica.executedAll(source.sourcePosition().gtids())).isTrue();
            assertThat(source.replicaStatus()).isEmpty();
        }
    }

    @Test
    void aStoppedSqlThreadIsUnknownLagAndFailsTheGateAtOnce() throws Exception {
        PAIR.execute("replica", "STOP REPLICA SQL_THREAD");
        try (MySqlServer replica = PAIR.server("replica")) {
            assertThat(replica.replicaStatus().orElseThrow().secondsBehind()).as("NULL, not 0").isEmpty();
        }
        RecordingStepContext context = PAIR.context(Map.of("replica", "replica", "source", "source",
                "interval", "100ms", "consecutive", "2"));

        long started = System.nanoTime();
        assertThatThrownBy(() -> gate.execute(context))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("SQL thread is not running")
                .hasMessageContaining("lag unknown")
                .satisfies(e -> assertThat(((StepFailedException) e).evidence()).containsEntry("secondsBehind", "unknown"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(registry.get("cutover.replication.lag").tag("connection", "replica").gauge().value()).isNaN();
    }

    @Test
    void theGateStaysClosedWhileTheReplicaLagsForRealAndOpensAfterCatchUp() throws Exception {
        String table = PAIR.createTable("lagging");
        try (Connection lock = PAIR.admin("replica"); Statement locker = lock.createStatement()) {
            locker.execute("LOCK TABLES " + ReplicationPair.DATABASE + "." + table + " WRITE");
            PAIR.execute("source", "INSERT INTO " + ReplicationPair.DATABASE + "." + table + " (note) VALUES ('behind')");
            RecordingStepContext context = PAIR.context(Map.of("replica", "replica", "source", "source",
                    "maxLag", "1s", "interval", "200ms", "consecutive", "3", "catchUpWithin", "200ms"))
                    .timeout(Duration.ofSeconds(30));
            CompletableFuture<StepOutcome> opened = CompletableFuture.supplyAsync(() -> {
                try {
                    return gate.execute(context);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(2_500);
            assertThat(opened).as("closed while the SQL thread waits on the lock").isNotDone();
            assertThat(context.progress()).isNotEmpty()
                    .allSatisfy(p -> assertThat(p.figures().get("consecutive")).isEqualTo(0));
            assertThat(context.progress().get(context.progress().size() - 1).message())
                    .containsAnyOf("exceeds", "did not execute");

            locker.execute("UNLOCK TABLES");
            StepOutcome outcome = opened.get(20, TimeUnit.SECONDS);

            assertThat(outcome.summary()).contains("open after 3 samples in a row");
            assertThat(outcome.evidence()).containsEntry("requiredConsecutive", 3).containsEntry("openedBy", "samples");
            assertThat((List<?>) outcome.evidence().get("samples")).hasSizeGreaterThanOrEqualTo(4);
        }
        assertThat(PAIR.count("replica", table)).isEqualTo(1);
    }

    /**
     * Inside a freeze the hysteresis proves nothing more than one sample does: the source is
     * read-only, its position stood still across the sample and the replica executed it.
     */
    @Test
    void insideAFreezeTheGateOpensOnOneSampleByProof() throws Exception {
        PAIR.execute("source", "INSERT INTO " + ReplicationPair.DATABASE + "." + PAIR.createTable("proof")
                + " (note) VALUES ('before the freeze')");
        try (MySqlServer source = PAIR.server("source")) {
            source.setReadOnly(true);
        }
        RecordingStepContext context = PAIR.context(Map.of("replica", "replica", "source", "source",
                "maxLag", "1s", "interval", "1s", "consecutive", "3"));

        long started = System.nanoTime();
        StepOutcome outcome = gate.execute(context);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no interval waited").isLessThan(Duration.ofSeconds(1));
        assertThat(outcome.evidence()).containsEntry("openedBy", "proof").containsEntry("samplesTaken", 1);
        assertThat(outcome.summary()).contains("open by proof", "read_only=ON");
        assertThat(outcome.evidence().get("proof").toString()).contains("replicaExecuted=true");
    }

    @Test
    void theFreezeRejectsApplicationWritesWith1290EndsOpenSessionsAndIsLiftedByItsRollback() throws Exception {
        String table = PAIR.createTable("frozen");
        String insert = "INSERT INTO " + ReplicationPair.DATABASE + "." + table + " (note) VALUES ('x')";
        WriteFreezeHarness harness = new WriteFreezeHarness(freeze);
        try (Connection open = PAIR.app("source")) {
            open.setAutoCommit(false);
            open.createStatement().execute(insert); // an open transaction at freeze time
            RecordingStepContext context = PAIR.context(Map.of("connection", "source", "strategy", "read-only",
                    "endSessionsOf", List.of(ReplicationPair.APP_USER), "verifyWindow", "300ms"));

            StepOutcome frozen = harness.freezeAndVerify(context);

            assertThat(frozen.summary()).contains("stood still", "server says read_only=ON");
            assertThat(frozen.evidence().get("serverSays").toString()).contains("read_only=ON");
            assertThat((List<?>) frozen.evidence().get("sessionsEnded")).hasSize(1);
            assertThatThrownBy(open::commit).as("the open transaction cannot commit after the freeze")
                    .isInstanceOf(SQLException.class);
        }
        try (Connection app = PAIR.app("source")) {
            assertThatThrownBy(() -> app.createStatement().execute(insert))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1290));
        }
        assertThat(PAIR.count("source", table)).isZero();

        harness.rollback(PAIR.context(Map.of("connection", "source", "strategy", "read-only")));

        try (Connection app = PAIR.app("source")) {
            app.createStatement().execute(insert);
        }
        assertThat(PAIR.count("source", table)).isEqualTo(1);
    }

    @Test
    void aFreezeThatDoesNotStopWritesFailsItsVerification() throws Exception {
        String table = PAIR.createTable("leaky");
        WriteFreezeHarness harness = new WriteFreezeHarness(freeze);
        RecordingStepContext context = PAIR.context(Map.of("connection", "source", "strategy", "command",
                "run", "true", "undo", "true", "verifyWindow", "600ms"));
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Connection app = PAIR.app("source")) {
                for (int i = 0; i < 30; i++) {
                    app.createStatement().execute("INSERT INTO " + ReplicationPair.DATABASE + "." + table
                            + " (note) VALUES ('still writing')");
                    Thread.sleep(50);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        assertThatThrownBy(() -> harness.freezeAndVerify(context))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("writes still land on source");
        writer.get(10, TimeUnit.SECONDS);
    }

    /**
     * Nobody writes, so the position stands still: only the server's word at the window's end shows
     * that the freeze was lifted meanwhile (before, it was read at the window's start only).
     */
    @Test
    void aFreezeLiftedDuringItsVerifyWindowFailsItsVerification() throws Exception {
        WriteFreezeHarness harness = new WriteFreezeHarness(freeze);
        RecordingStepContext context = PAIR.context(Map.of("connection", "source", "strategy", "read-only",
                "verifyWindow", "600ms"));
        CompletableFuture<Void> lifter = CompletableFuture.runAsync(() -> {
            try (MySqlServer source = PAIR.server("source")) {
                while (!source.readOnlyState().readOnly()) {
                    Thread.sleep(5);
                }
                Thread.sleep(200);
                source.setReadOnly(false);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        assertThatThrownBy(() -> harness.freezeAndVerify(context))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("the freeze does not hold", "read_only=OFF");
        lifter.get(10, TimeUnit.SECONDS);
    }

    @Test
    void promotionRefusesAReplicaThatIsBehind() throws Exception {
        String table = PAIR.createTable("behind");
        try (Connection lock = PAIR.admin("replica"); Statement locker = lock.createStatement()) {
            locker.execute("LOCK TABLES " + ReplicationPair.DATABASE + "." + table + " WRITE");
            PAIR.execute("source", "INSERT INTO " + ReplicationPair.DATABASE + "." + table + " (note) VALUES ('late')");
            PAIR.execute("source", "SET GLOBAL read_only = ON");
            RecordingStepContext context = PAIR.context(Map.of("source", "source", "replica", "replica",
                    "catchUpTimeout", "1s"));

            assertThatThrownBy(() -> promote.execute(context))
                    .isInstanceOf(StepFailedException.class)
                    .hasMessageContaining("refusing to promote replica: replica is behind");
            locker.execute("UNLOCK TABLES");
        }
        try (MySqlServer replica = PAIR.server("replica"); MySqlServer source = PAIR.server("source")) {
            assertThat(replica.replicaStatus()).as("still a replica").isPresent();
            assertThat(replica.readOnlyState().readOnly()).isTrue();
            // The reverse replication set up ahead of the window is gone again: the source replicates from nobody.
            assertThat(source.replicaStatus()).as("source's replication after a refused promotion").isEmpty();
        }
    }

    @Test
    void promotionRefusesWhileTheSourceStillTakesWrites() throws Exception {
        RecordingStepContext context = PAIR.context(Map.of("source", "source", "replica", "replica"));
        String table = PAIR.createTable("unfrozen");
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Connection app = PAIR.app("source")) {
                for (int i = 0; i < 40; i++) {
                    app.createStatement().execute("INSERT INTO " + ReplicationPair.DATABASE + "." + table
                            + " (note) VALUES ('live')");
                    Thread.sleep(50);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        assertThatThrownBy(() -> promote.execute(context))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("source is not frozen");
        writer.get(10, TimeUnit.SECONDS);
    }

    @Test
    void promotionWithReverseReplicationThenRollbackLosesNoWrite() throws Exception {
        String table = PAIR.createTable("promoted");
        String qualified = ReplicationPair.DATABASE + "." + table;
        try (Connection app = PAIR.app("source")) {
            app.createStatement().execute("INSERT INTO " + qualified + " (note) VALUES ('before cutover')");
        }
        PAIR.execute("source", "SET GLOBAL read_only = ON");
        RecordingStepContext context = PAIR.context(Map.of("source", "source", "replica", "replica",
                "endSessionsOf", List.of(ReplicationPair.APP_USER)));

        StepOutcome promoted = promote.verify(context, promote.execute(context));

        assertThat(promoted.summary()).contains("replica promoted").contains("reverse replication");
        assertThat(promoted.evidence()).containsKeys("sourcePosition", "newPrimaryPosition", "reverseReplication",
                "timingsMs");
        // The binlog rotation reaches the replica at once: contact is proven without waiting for the
        // next heartbeat (the pair's period is 1 s, so a heartbeat alone would take 0-1000 ms).
        assertThat(promoted.evidence().get("contactProbe")).asString().startsWith("binlog rotation sent");
        String contact = String.valueOf(promoted.evidence().get("sourceContact"));
        assertThat(contact).as("evidence sourceContact").matches("heard from source after \\d+ms.*");
        assertThat(Long.parseLong(contact.replaceAll("heard from source after (\\d+)ms.*", "$1")))
                .as("ms until the replica heard its source: %s", contact).isLessThan(250);
        try (Connection app = PAIR.app("replica")) {
            app.createStatement().execute("INSERT INTO " + qualified + " (note) VALUES ('on the new primary')");
        }
        try (Connection app = PAIR.app("source")) {
            assertThatThrownBy(() -> app.createStatement().execute("INSERT INTO " + qualified + " (note) VALUES ('x')"))
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1290));
        }

        StepOutcome demoted = promote.rollback(context);

        assertThat(demoted.summary()).contains("source is the primary again");
        assertThat(PAIR.count("source", table)).as("the write made on the new primary came back").isEqualTo(2);
        try (Connection app = PAIR.app("source")) {
            app.createStatement().execute("INSERT INTO " + qualified + " (note) VALUES ('after rollback')");
        }
        PAIR.awaitReplicaCaughtUp();
        assertThat(PAIR.count("replica", table)).isEqualTo(3);
        try (MySqlServer replica = PAIR.server("replica")) {
            assertThat(replica.replicaStatus().orElseThrow().healthy()).isTrue();
            assertThat(replica.readOnlyState().readOnly()).isTrue();
        }
    }

    @Test
    void verificationListsTheTableThatDiffers() throws Exception {
        String same = PAIR.createTable("same");
        String drifted = PAIR.createTable("drifted");
        PAIR.execute("source", "INSERT INTO " + ReplicationPair.DATABASE + "." + same + " (note, amount) VALUES "
                + "('a', 1.50), ('b', NULL), (NULL, 2.00)");
        PAIR.execute("source", "INSERT INTO " + ReplicationPair.DATABASE + "." + drifted + " (note) VALUES ('a'), ('b')");
        PAIR.awaitReplicaCaughtUp();
        RecordingStepContext context = PAIR.context(Map.of("source", "source", "target", "replica",
                "databases", List.of(ReplicationPair.DATABASE),
                "tables", List.of(ReplicationPair.DATABASE + "." + same, ReplicationPair.DATABASE + "." + drifted)));

        assertThat(verify.execute(context).summary()).contains("2 tables (5 rows) identical");

        PAIR.writeIntoReplica("UPDATE " + ReplicationPair.DATABASE + "." + drifted + " SET note = 'B' WHERE note = 'b'");

        assertThatThrownBy(() -> verify.execute(context))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("1 of 2 tables differ")
                .hasMessageContaining(drifted + ": same row count, different contents");
        PAIR.writeIntoReplica("UPDATE " + ReplicationPair.DATABASE + "." + drifted + " SET note = 'b' WHERE note = 'B'");
    }

    /** The write-freeze step type with only the MySQL engine, as the service would assemble it. */
    private static final class WriteFreezeHarness {

        private final StepType type;

        WriteFreezeHarness(MySqlReadOnlyFreeze engine) {
            this.type = WriteFreezeTypes.withEngine(engine);
        }

        StepOutcome freezeAndVerify(RecordingStepContext context) throws Exception {
            return type.verify(context, type.execute(context));
        }

        StepOutcome rollback(RecordingStepContext context) throws Exception {
            return type.rollback(context);
        }
    }
}
