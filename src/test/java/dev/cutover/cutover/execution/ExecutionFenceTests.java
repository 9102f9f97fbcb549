package dev.cutover.cutover.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * An instance whose lease ran out while its step still ran (a long GC pause, a partition) and whose
 * cutover another instance took over must not record what that step does afterwards: its step stays as
 * the new owner left it, and its Batch execution ends FAILED. The takeover is written here as the other
 * instance's recovery writes it (execution recovered, cutover and step INTERRUPTED); this instance goes
 * on running its step as a paused process would, since the takeover event comes from itself.
 */
class ExecutionFenceTests extends ServiceTest {

    private static final String RUNBOOK = """
            name: fence-demo
            description: a step that outlives a takeover of its cutover
            environments:
              local: { connections: {} }
            phases:
              - name: hold
                steps:
                  - id: outlives-lease
                    type: wait
                    with: { duration: 3s }
                  - id: after
                    type: wait
                    with: { duration: 1s }
            """;

    @Autowired
    JdbcClient jdbc;
    @Autowired
    JobOperator jobOperator;
    @Autowired
    JobRepository jobRepository;
    @Autowired
    FencedExecutions fenced;

    @Test
    void aStepThatEndsAfterItsCutoverWasTakenOverRecordsNothing() {
        addRunbook("fence-demo.yaml", RUNBOOK);
        String id = createCutover("fence-demo");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/hold/start", null).status()).isEqualTo(202);
        JsonNode running = api.awaitCutover(id, c -> "RUNNING".equals(stepState(c, "outlives-lease")), 10);
        long execution = running.path("jobExecutionId").asLong();

        // Instance B's takeover, as InterruptedExecutionRecovery writes it once this instance's lease ran out.
        jobOperator.recover(jobRepository.getJobExecution(execution));
        jdbc.sql("UPDATE cutover SET state = 'INTERRUPTED', version = version + 1 WHERE id = ?").param(id).update();
        jdbc.sql("UPDATE cutover_step SET state = 'INTERRUPTED' WHERE cutover_id = ? AND state = 'RUNNING'").param(id)
                .update();

        long deadline = System.currentTimeMillis() + 10_000;
        while (jdbc.sql("SELECT COUNT(*) FROM cutover_event WHERE cutover_id = ? AND ((action = 'step' AND outcome = "
                + "'succeeded') OR (action = 'phase' AND outcome IN ('fenced', 'failed', 'completed')))").param(id)
                .query(Long.class).single() == 0) {
            assertThat(System.currentTimeMillis()).as("the step outliving the takeover ends").isLessThan(deadline);
            Api.sleep(100);
        }
        Api.sleep(500); // anything else the ending execution would write, it writes by now
        JsonNode after = api.get("viewer", "/api/cutovers/" + id).body();
        assertThat(after.path("state").asString()).isEqualTo("INTERRUPTED");
        assertThat(stepState(after, "outlives-lease")).as("the step as the new owner left it").isEqualTo("INTERRUPTED");
        assertThat(stepState(after, "after")).as("no later step starts").isEqualTo("PENDING");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM cutover_event WHERE cutover_id = ? AND action = 'step' AND outcome "
                + "= 'succeeded'").param(id).query(Long.class).single()).as("step results recorded").isZero();
        // Batch's last writes lost their optimistic lock to the takeover's recovery and left it UNKNOWN (seen
        // failing first): at the next lease check or restart it is FAILED, restartable like any taken-over one.
        fenced.markFailed();
        assertThat(jobRepository.getJobExecution(execution).getStatus()).as("the fenced execution in the job repository")
                .isEqualTo(BatchStatus.FAILED);
        assertThat(jobRepository.getJobExecution(execution).getStepExecutions()).allSatisfy(step ->
                assertThat(step.getStatus()).isNotEqualTo(BatchStatus.UNKNOWN));
        assertThat(jdbc.sql("SELECT message FROM cutover_event WHERE cutover_id = ? AND outcome = 'fenced'").param(id)
                .query(String.class).list()).singleElement().asString().contains("taken over");
        jdbc.sql("UPDATE cutover SET state = 'ABORTED' WHERE id = ?").param(id).update();
    }
}
