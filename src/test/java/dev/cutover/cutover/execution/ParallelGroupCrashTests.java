package dev.cutover.cutover.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A phase killed (or taken over) while two steps of a {@code parallel: true} group still ran: the
 * takeover shows both INTERRUPTED, and a restart runs only the steps that did not complete, each once,
 * the group's two at the same time but neither beside an earlier run of itself. The dead instance is
 * written here as a SIGKILLed one leaves the rows (its lease expired, its job execution and the
 * group's unfinished step executions STARTED, the finished sibling COMPLETED): the threads that ran
 * the steps died with it, so nothing of theirs runs on.
 */
class ParallelGroupCrashTests extends ServiceTest {

    private static final String TRACE = "echo %1$s start $(date +%%s%%N) >> @WORK@/$CUTOVER_ID.ran; sleep %2$s; "
            + "echo %1$s end $(date +%%s%%N) >> @WORK@/$CUTOVER_ID.ran";

    @Autowired
    JdbcClient jdbc;
    @Autowired
    JobRepository jobs;
    @Autowired
    InterruptedExecutionRecovery recovery;

    private static String traced(String id, String sleep) {
        return "{ id: %s, type: command, with: { run: \"%s\" } }".formatted(id, TRACE.formatted(id, sleep));
    }

    @Test
    void theUnfinishedStepsOfAParallelGroupShowInterruptedAndARestartRunsOnlyThemOnce() {
        addRunbook("parallel-crash.yaml", """
                name: parallel-crash
                environments:
                  local: { connections: {} }
                phases:
                  - name: move
                    steps:
                      - %s
                      - group: copies
                        parallel: true
                        steps:
                          - %s
                          - %s
                          - %s
                      - %s
                """.formatted(traced("prepare", "0"), traced("copy-a", "0"), traced("copy-b", "0.5"),
                traced("copy-c", "0.5"), traced("after", "0")));
        String id = createCutover("parallel-crash");
        long execution = killedWhileTheGroupRan(id, "peer-crashed");

        recovery.recoverOrphans(false);

        JsonNode interrupted = api.get("viewer", "/api/cutovers/" + id).body();
        assertThat(interrupted.path("state").asString()).isEqualTo("INTERRUPTED");
        assertThat(stepState(interrupted, "copy-b")).isEqualTo("INTERRUPTED");
        assertThat(stepState(interrupted, "copy-c")).isEqualTo("INTERRUPTED");
        assertThat(stepState(interrupted, "copy-a")).isEqualTo("SUCCEEDED");
        assertThat(jobs.getJobExecution(execution).getStatus()).isEqualTo(BatchStatus.FAILED);

        Api.Answer restart = api.post("operator", "/api/cutovers/" + id + "/phases/move/restart", null);
        assertThat(restart.status()).as(restart.text()).isEqualTo(202);
        JsonNode completed = api.awaitCutover(id, c -> !List.of("RUNNING", "INTERRUPTED")
                .contains(c.path("state").asString()), 20);
        assertThat(completed.path("state").asString()).as(completed.toString()).isEqualTo("COMPLETED");

        Map<String, List<String[]>> runs = RUNBOOKS.lines(id + ".ran").stream().map(line -> line.split(" "))
                .collect(Collectors.groupingBy(parts -> parts[0], java.util.LinkedHashMap::new, Collectors.toList()));
        assertThat(runs.keySet()).as("what ran after the restart").containsExactlyInAnyOrder("copy-b", "copy-c", "after");
        runs.forEach((step, marks) -> assertThat(marks.stream().map(mark -> mark[1]).toList()).as(step + " ran once")
                .containsExactly("start", "end"));
        long bStart = Long.parseLong(runs.get("copy-b").get(0)[2]);
        long bEnd = Long.parseLong(runs.get("copy-b").get(1)[2]);
        long cStart = Long.parseLong(runs.get("copy-c").get(0)[2]);
        long cEnd = Long.parseLong(runs.get("copy-c").get(1)[2]);
        assertThat(bStart).as("the group's two run at the same time").isLessThan(cEnd);
        assertThat(cStart).as("the group's two run at the same time").isLessThan(bEnd);
        assertThat(Long.parseLong(runs.get("after").get(0)[2])).as("the next step waits for the group")
                .isGreaterThanOrEqualTo(Math.max(bEnd, cEnd));
        assertThat(Api.step(completed, "copy-b").path("attempts").asInt()).isEqualTo(2);
        assertThat(Api.step(completed, "copy-a").path("attempts").asInt()).as("not run again").isEqualTo(1);
        assertThat(Api.step(completed, "prepare").path("attempts").asInt()).as("not run again").isEqualTo(1);
    }

    /**
     * The rows a phase leaves when its instance is SIGKILLed while {@code copy-b} and {@code copy-c}
     * run and {@code copy-a} (their sibling) and {@code prepare} are done: returns its job execution.
     */
    private long killedWhileTheGroupRan(String id, String deadInstance) {
        jdbc.sql("DELETE FROM service_instance WHERE id = ?").param(deadInstance).update();
        jdbc.sql("INSERT INTO service_instance (id, host, pid, started_at, renewed_at, expires_at) VALUES (?, "
                + "'db-host-2', 4343, CURRENT_TIMESTAMP(6), CURRENT_TIMESTAMP(6), TIMESTAMPADD(MINUTE, -1, "
                + "CURRENT_TIMESTAMP(6)))").param(deadInstance).update();
        JobParameters parameters = new JobParametersBuilder().addString("cutoverId", id).toJobParameters();
        JobInstance instance = jobs.createJobInstance("phase." + id + ".move", parameters);
        JobExecution execution = jobs.createJobExecution(instance, parameters, new ExecutionContext());
        execution.setStatus(BatchStatus.STARTED);
        execution.setStartTime(LocalDateTime.now());
        jobs.update(execution);
        for (String step : List.of("prepare", "copy-a", "copy-b", "copy-c")) {
            StepExecution stepExecution = jobs.createStepExecution(step, execution);
            boolean done = step.equals("prepare") || step.equals("copy-a");
            stepExecution.setStatus(done ? BatchStatus.COMPLETED : BatchStatus.STARTED);
            stepExecution.setStartTime(LocalDateTime.now());
            if (done) {
                stepExecution.setExitStatus(org.springframework.batch.core.ExitStatus.COMPLETED);
                stepExecution.setEndTime(LocalDateTime.now());
            }
            jobs.update(stepExecution);
        }
        jdbc.sql("UPDATE cutover SET state = 'RUNNING', current_phase = 'move', owner_instance = ?, job_execution_id = ?, "
                + "version = version + 1 WHERE id = ?").params(deadInstance, execution.getId(), id).update();
        jdbc.sql("UPDATE cutover_step SET state = 'SUCCEEDED', attempts = 1, started_at = CURRENT_TIMESTAMP(6), "
                + "ended_at = CURRENT_TIMESTAMP(6) WHERE cutover_id = ? AND step_id IN ('prepare', 'copy-a')")
                .param(id).update();
        jdbc.sql("UPDATE cutover_step SET state = 'RUNNING', attempts = 1, started_at = CURRENT_TIMESTAMP(6) "
                + "WHERE cutover_id = ? AND step_id IN ('copy-b', 'copy-c')").param(id).update();
        return execution.getId();
    }
}
