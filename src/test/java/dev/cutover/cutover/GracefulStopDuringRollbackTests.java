package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.cutover.eventlog.EventLog;
import dev.cutover.cutover.execution.PhaseLauncher;
import dev.cutover.cutover.execution.StopSignals;
import dev.cutover.cutover.state.CutoverRepository;
import dev.cutover.instance.InstanceLeases;
import dev.cutover.testsupport.ServiceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A graceful stop of the instance running a rollback never cuts an undo in the middle: the inverse
 * under way finishes and no other starts. With a live instance the rollback is handed over between
 * inverses (owner and offer), and the instance that takes it undoes the steps left; with none and no
 * time left, it shows ROLLBACK_FAILED saying so, and a second rollback undoes the rest. Each inverse
 * runs once. Both halves of a handover run in this one service, as in {@link HandoverTests}; the real
 * SIGTERM across two processes is {@code SeveralInstancesIT}'s last case.
 */
class GracefulStopDuringRollbackTests extends ServiceTest {

    @Autowired
    JdbcClient jdbc;
    @Autowired
    InstanceLeases leases;
    @Autowired
    CutoverRepository cutovers;
    @Autowired
    StopSignals stops;
    @Autowired
    EventLog events;
    @Autowired
    PhaseLauncher launcher;

    @Test
    void withALiveInstanceTheRollbackStopsBetweenInversesIsOfferedAndTheInstanceOfferedItUndoesTheRest() throws Exception {
        Path undoLog = Files.createTempFile("undo", ".log");
        String id = undoingCutover("handed-undo", undoLog, "0.8");
        lease("rollback-heir");
        try {
            new GracefulShutdown(cutovers, stops, events, leases, launcher, Duration.ofSeconds(10)).pauseRunningPhases();

            JsonNode stopped = api.get("viewer", "/api/cutovers/" + id).body();
            assertThat(stopped.path("state").asString()).as(stopped.toString()).isEqualTo("ROLLING_BACK");
            assertThat(stopped.path("runsOn").path("instance").asString()).isEqualTo("rollback-heir");
            assertThat(stepState(stopped, "third")).as("the inverse under way finished").isEqualTo("ROLLED_BACK");
            assertThat(stepState(stopped, "second")).as("no other inverse started").isEqualTo("SUCCEEDED");
            assertThat(Files.readAllLines(undoLog)).containsExactly("start third", "end third");
            assertThat(message(id, "handover", "offered")).isEqualTo("service instance " + leases.self().id()
                    + " stopped gracefully and hands the rollback over to service instance rollback-heir");
            assertThat(message(id, "rollback", "stopped")).contains("between inverses", "2 step(s) left to undo");

            // The heir's half: it was offered the rollback (here the heir offers it back to this instance).
            jdbc.sql("UPDATE cutover SET owner_instance = ? WHERE id = ?").params(leases.self().id(), id).update();
            jdbc.sql("INSERT INTO cutover_event (cutover_id, occurred_at, actor, action, outcome, message, evidence, "
                            + "instance_id) VALUES (?, ?, 'system', 'handover', 'offered', 'handing the rollback over', ?, "
                            + "'rollback-heir')")
                    .params(id, Timestamp.from(Instant.now()), "{\"from\":\"rollback-heir\",\"to\":\""
                            + leases.self().id() + "\",\"kind\":\"rollback\"}").update();

            JsonNode ended = api.awaitCutover(id, c -> !"ROLLING_BACK".equals(c.path("state").asString()), 15);
            assertThat(ended.path("state").asString()).as(ended.toString()).isEqualTo("ROLLED_BACK");
            assertThat(Files.readAllLines(undoLog)).as("each inverse once, last step first").containsExactly(
                    "start third", "end third", "start second", "end second", "start first", "end first");
            assertThat(message(id, "handover", "taken")).isEqualTo("the rollback handed over from service instance "
                    + "rollback-heir (host rollback-host, pid 7) to " + leases.self().describe());
        } finally {
            jdbc.sql("DELETE FROM service_instance WHERE id = 'rollback-heir'").update();
            Files.deleteIfExists(undoLog);
        }
    }

    @Test
    void withNoOtherInstanceARollbackThatOutlastsTheWaitStopsBetweenInversesAndSaysSo() throws Exception {
        Path undoLog = Files.createTempFile("undo", ".log");
        String id = undoingCutover("unfinished-undo", undoLog, "2");
        // Other tests' leases of made-up instances: none of them may look like an heir here.
        jdbc.sql("UPDATE service_instance SET expires_at = CURRENT_TIMESTAMP(6) WHERE id <> ?")
                .param(leases.self().id()).update();
        try {
            // Out of time while the first inverse (2 s) still runs; it ends within the second wait.
            new GracefulShutdown(cutovers, stops, events, leases, launcher, Duration.ofMillis(1500)).pauseRunningPhases();

            JsonNode stopped = api.get("viewer", "/api/cutovers/" + id).body();
            assertThat(stopped.path("state").asString()).as(stopped.toString()).isEqualTo("ROLLBACK_FAILED");
            assertThat(stepState(stopped, "third")).as("the inverse under way finished").isEqualTo("ROLLED_BACK");
            assertThat(stepState(stopped, "second")).isEqualTo("SUCCEEDED");
            assertThat(message(id, "rollback", "failed")).isEqualTo("the rollback did not finish before service "
                    + "instance " + leases.self().id() + " stopped and no other instance runs; it stopped between "
                    + "inverses: rollback again to undo the steps left");

            assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", null).status()).isEqualTo(202);
            JsonNode ended = api.awaitCutover(id, c -> !"ROLLING_BACK".equals(c.path("state").asString()), 15);
            assertThat(ended.path("state").asString()).as(ended.toString()).isEqualTo("ROLLED_BACK");
            assertThat(Files.readAllLines(undoLog)).as("each inverse once, last step first").containsExactly(
                    "start third", "end third", "start second", "end second", "start first", "end first");
        } finally {
            Files.deleteIfExists(undoLog);
        }
    }

    /** A completed cutover of three steps whose rollback runs, its first inverse (of {@code third}) under way. */
    private String undoingCutover(String name, Path undoLog, String undoSeconds) throws Exception {
        StringBuilder steps = new StringBuilder();
        for (String step : List.of("first", "second", "third")) {
            steps.append("""
                          - id: %s
                            type: command
                            with: { run: "true" }
                            rollback: { type: command, with: { run: "echo start %s >> '%s'; sleep %s; echo end %s >> '%s'" } }
                    """.formatted(step, step, undoLog, undoSeconds, step, undoLog));
        }
        addRunbook(name + ".yaml", """
                name: %s
                description: three steps whose inverses take a while
                environments:
                  local: { connections: {} }
                phases:
                  - name: migrate
                    steps:
                %s""".formatted(name, steps));
        String id = createCutover(name);
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/migrate/start", null).status()).isEqualTo(202);
        api.awaitState(id, "COMPLETED");
        assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", null).status()).isEqualTo(202);
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Files.readString(undoLog).contains("start third")) {
            assertThat(System.currentTimeMillis()).as("the first inverse starts").isLessThan(deadline);
            Thread.sleep(20);
        }
        return id;
    }

    private String message(String id, String action, String outcome) {
        return jdbc.sql("SELECT message FROM cutover_event WHERE cutover_id = ? AND action = ? AND outcome = ?")
                .params(id, action, outcome).query(String.class).single();
    }

    private void lease(String id) {
        jdbc.sql("DELETE FROM service_instance WHERE id = ?").param(id).update();
        jdbc.sql("INSERT INTO service_instance (id, host, pid, started_at, renewed_at, expires_at) VALUES (?, "
                + "'rollback-host', 7, CURRENT_TIMESTAMP(6), CURRENT_TIMESTAMP(6), "
                + "TIMESTAMPADD(MINUTE, 1, CURRENT_TIMESTAMP(6)))").param(id).update();
    }
}
