package dev.cutover.cutover.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A rollback taken over from a stalled instance is fenced by its owner as a phase is: once another
 * instance rolls the cutover back, the stalled one's inverse step records neither progress nor result,
 * and it starts no inverse. The takeover is written here as the other instance ("instance-b") writes
 * it: the rollback execution recovered, its "interrupted" event, the cutover ROLLING_BACK under
 * instance-b's name.
 */
class RollbackFenceTests extends ServiceTest {

    private static final String RUNBOOK = """
            name: rollback-fence
            description: an undo that outlives a takeover of its rollback
            environments:
              local: { connections: {} }
            phases:
              - name: only
                steps:
                  - id: first
                    type: command
                    with: { run: "true" }
                    rollback:
                      type: command
                      with: { run: "echo undone >> @WORK@/$CUTOVER_ID.first-undone" }
                  - id: undone-slowly
                    type: command
                    with: { run: "true" }
                    rollback:
                      type: command
                      with: { run: "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo stale-undo-$i | tee -a @WORK@/$CUTOVER_ID.stale-undo; sleep 0.25; done" }
            """;
    private static final String B_OUTPUT = "{\"progress\":\"instance-b undoes it\"}";

    @Autowired
    JdbcClient jdbc;
    @Autowired
    JobOperator jobOperator;
    @Autowired
    JobRepository jobRepository;
    @Autowired
    RunbookStepRunner runner;

    @Test
    void anUndoThatOutlivesTheTakeoverOfItsRollbackRecordsNothing() {
        addRunbook("rollback-fence.yaml", RUNBOOK);
        String id = createCutover("rollback-fence");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/only/start", null).status()).isEqualTo(202);
        api.awaitState(id, "COMPLETED");
        assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", null).status()).isEqualTo(202);
        JsonNode undoing = api.awaitCutover(id, c -> "ROLLING_BACK".equals(stepState(c, "undone-slowly")), 10);
        long execution = jdbc.sql("SELECT rollback_job_execution_id FROM cutover WHERE id = ?").param(id)
                .query(Long.class).single();
        assertThat(undoing.path("state").asString()).isEqualTo("ROLLING_BACK");

        takenOverByInstanceB(id, execution);

        Api.sleep(3_500); // the stale undo (3 s from its start, progress every second) has ended by now
        assertThat(RUNBOOKS.lines(id + ".stale-undo")).as("the stale undo gave way once the takeover reached it, "
                + "rather than run on beside instance-b's").hasSizeLessThan(12);
        assertThat(stepOutput(id, "undone-slowly")).as("the step's output as instance-b left it").isEqualTo(B_OUTPUT);
        JsonNode after = api.get("viewer", "/api/cutovers/" + id).body();
        assertThat(stepState(after, "undone-slowly")).isEqualTo("ROLLING_BACK");
        assertThat(stepState(after, "first")).as("no later inverse starts on the stalled instance").isEqualTo("SUCCEEDED");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM cutover_event WHERE cutover_id = ? AND step_id = 'undone-slowly' AND "
                + "action = 'rollback' AND outcome = 'succeeded'").param(id).query(Long.class).single()).isZero();
        jdbc.sql("UPDATE cutover SET state = 'ABORTED' WHERE id = ?").param(id).update();
    }

    @Test
    void anInstanceThatNoLongerOwnsTheRollbackStartsNoInverse() throws Exception {
        addRunbook("rollback-fence.yaml", RUNBOOK);
        String id = createCutover("rollback-fence");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/only/start", null).status()).isEqualTo(202);
        api.awaitState(id, "COMPLETED");
        // Rolled back by instance-b (its rollback execution unknown here); this instance's Batch moves on to "first".
        instanceBLives();
        jdbc.sql("UPDATE cutover SET state = 'ROLLING_BACK', owner_instance = 'instance-b', version = version + 1 "
                + "WHERE id = ?").param(id).update();

        assertThatThrownBy(() -> runner.inverse(id, "first")).isInstanceOf(ExecutionFence.Fenced.class);

        assertThat(stepState(api.get("viewer", "/api/cutovers/" + id).body(), "first")).isEqualTo("SUCCEEDED");
        assertThat(Files.exists(RUNBOOKS.work().resolve(id + ".first-undone"))).as("the inverse ran").isFalse();
        jdbc.sql("UPDATE cutover SET state = 'ABORTED' WHERE id = ?").param(id).update();
    }

    /** What instance-b writes once this instance's lease ran out and a person rolled back again there. */
    private void takenOverByInstanceB(String id, long execution) {
        instanceBLives();
        jobOperator.recover(jobRepository.getJobExecution(execution));
        jdbc.sql("UPDATE cutover SET state = 'ROLLING_BACK', owner_instance = 'instance-b', version = version + 1 "
                + "WHERE id = ?").param(id).update();
        jdbc.sql("UPDATE cutover_step SET state = 'ROLLING_BACK', output = ? WHERE cutover_id = ? AND step_id = "
                + "'undone-slowly'").params(B_OUTPUT, id).update();
        jdbc.sql("INSERT INTO cutover_event (cutover_id, occurred_at, actor, action, outcome, message, evidence, "
                + "instance_id) VALUES (?, CURRENT_TIMESTAMP(6), 'system', 'rollback', 'interrupted', 'taken over by "
                + "instance instance-b', '{}', 'instance-b')").param(id).update();
    }

    /** A live lease for instance-b on another host, so this instance's own lease checks leave its rollback alone. */
    private void instanceBLives() {
        jdbc.sql("DELETE FROM service_instance WHERE id = 'instance-b'").update();
        jdbc.sql("INSERT INTO service_instance (id, host, pid, started_at, renewed_at, expires_at) VALUES ('instance-b', "
                + "'elsewhere', 1, CURRENT_TIMESTAMP(6), CURRENT_TIMESTAMP(6), TIMESTAMPADD(SECOND, 60, "
                + "CURRENT_TIMESTAMP(6)))").update();
    }

    @AfterEach
    void instanceBGone() {
        jdbc.sql("DELETE FROM service_instance WHERE id = 'instance-b'").update();
    }

    private String stepOutput(String id, String stepId) {
        return jdbc.sql("SELECT output FROM cutover_step WHERE cutover_id = ? AND step_id = ?").params(id, stepId)
                .query(String.class).single();
    }
}
