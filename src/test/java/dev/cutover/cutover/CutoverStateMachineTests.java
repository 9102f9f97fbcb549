package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The cutover state machine over real HTTP: legal moves, 409s, races, pause, failure and restart. */
class CutoverStateMachineTests extends ServiceTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JobRepository jobRepository;

    @Test
    void illegalTransitionAnswers409WithStateAndAllowedActions() {
        String id = createCutover("slow");
        Api.Answer answer = api.post("operator", "/api/cutovers/" + id + "/resume", null);
        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body().path("state").asString()).isEqualTo("READY");
        assertThat(answer.body().path("allowedActions").toString()).isEqualTo("[\"start-phase\",\"abort\",\"rollback\"]");
        assertThat(answer.body().path("detail").asString()).contains("Cannot resume", "READY");
    }

    @Test
    void phasesRunInOrder() {
        String id = createCutover("slow");
        Api.Answer answer = api.post("operator", "/api/cutovers/" + id + "/phases/second/start", null);
        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.body().path("detail").asString()).contains("slow-phase comes first");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/nope/start", null).status()).isEqualTo(404);
    }

    @Test
    void twentyConcurrentIdenticalStartsYieldOneExecution() throws Exception {
        String id = createCutover("slow");
        int racers = 20;
        CountDownLatch ready = new CountDownLatch(racers);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            Callable<Integer> press = () -> {
                ready.countDown();
                go.await();
                return api.post("operator", "/api/cutovers/" + id + "/phases/slow-phase/start", null).status();
            };
            answers.add(pool.submit(press));
        }
        ready.await();
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> answer : answers) {
            statuses.add(answer.get());
        }
        pool.shutdown();
        assertThat(statuses).filteredOn(status -> status == 202).hasSize(1);
        assertThat(statuses).filteredOn(status -> status == 409).hasSize(racers - 1);
        api.awaitState(id, "READY");
        Integer executions = jdbc.sql("""
                SELECT COUNT(*) FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_EXECUTION_PARAMS p
                  ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID
                WHERE p.PARAMETER_NAME = 'cutoverId' AND p.PARAMETER_VALUE = ?""").param(id).query(Integer.class).single();
        assertThat(executions).isEqualTo(1);
        assertThat(RUNBOOKS.lines(id + ".done")).containsExactly("done");
    }

    @Test
    void idempotencyKeyReplaysTheFirstAnswer() {
        String body = "{\"runbook\":\"slow\",\"environment\":\"local\",\"rehearsal\":true}";
        Api.Answer first = api.post("operator", "/api/cutovers", body, "key-create-1");
        Api.Answer second = api.post("operator", "/api/cutovers", body, "key-create-1");
        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.replayed()).isTrue();
        assertThat(second.location()).isEqualTo(first.location());
        assertThat(second.body().path("id").asString()).isEqualTo(first.body().path("id").asString());

        String id = first.body().path("id").asString();
        String start = "/api/cutovers/" + id + "/phases/slow-phase/start";
        assertThat(api.post("operator", start, null, "key-start-1").status()).isEqualTo(202);
        Api.Answer repeated = api.post("operator", start, null, "key-start-1");
        assertThat(repeated.status()).isEqualTo(202);
        assertThat(repeated.replayed()).isTrue();
        api.awaitState(id, "READY");
        assertThat(RUNBOOKS.lines(id + ".done")).containsExactly("done");
    }

    @Test
    void pauseStopsBetweenStepsAndResumeContinues() {
        String id = createCutover("slow");
        api.post("operator", "/api/cutovers/" + id + "/phases/slow-phase/start", null);
        api.awaitCutover(id, c -> "RUNNING".equals(stepState(c, "wait-a")), 10);
        Api.Answer pausing = api.post("operator", "/api/cutovers/" + id + "/pause", null);
        assertThat(pausing.status()).isEqualTo(202);
        assertThat(pausing.body().path("state").asString()).isEqualTo("PAUSING");
        JsonNode paused = api.awaitState(id, "PAUSED");
        assertThat(stepState(paused, "wait-a")).isEqualTo("STOPPED");
        assertThat(stepState(paused, "note")).isEqualTo("PENDING");
        assertThat(paused.path("allowedActions").toString()).contains("resume");

        assertThat(api.post("operator", "/api/cutovers/" + id + "/resume", null).status()).isEqualTo(202);
        JsonNode done = api.awaitState(id, "READY");
        assertThat(stepState(done, "wait-a")).isEqualTo("SUCCEEDED");
        assertThat(stepState(done, "note")).isEqualTo("SUCCEEDED");
        assertThat(RUNBOOKS.lines(id + ".done")).containsExactly("done");
    }

    @Test
    void failedStepRestartsWhereItStoppedWithoutRerunningEarlierSteps() {
        String id = createCutover("flaky");
        api.post("operator", "/api/cutovers/" + id + "/phases/one/start", null);
        JsonNode failed = api.awaitState(id, "FAILED");
        assertThat(stepState(failed, "count-runs")).isEqualTo("SUCCEEDED");
        assertThat(stepState(failed, "needs-file")).isEqualTo("FAILED");
        assertThat(stepState(failed, "after")).isEqualTo("PENDING");
        assertThat(failed.toString()).contains("exited with 3", "flaky-ok is missing");
        assertThat(failed.path("allowedActions").toString()).contains("restart-phase");

        RUNBOOKS.touch(id + ".ok");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/one/restart", null).status()).isEqualTo(202);
        JsonNode completed = api.awaitState(id, "COMPLETED");
        assertThat(stepState(completed, "needs-file")).isEqualTo("SUCCEEDED");
        assertThat(RUNBOOKS.lines(id + ".runs")).containsExactly("run");
        assertThat(RUNBOOKS.lines(id + ".after")).containsExactly("after");
        // The phase's steps run as one Batch step (no step-execution bookkeeping between them), run again
        // by the restart, which passed over the step that had succeeded.
        assertThat(jdbc.sql("""
                SELECT s.STEP_NAME || ' ' || s.STATUS FROM BATCH_STEP_EXECUTION s JOIN BATCH_JOB_EXECUTION_PARAMS p
                  ON p.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID
                WHERE p.PARAMETER_NAME = 'cutoverId' AND p.PARAMETER_VALUE = ? ORDER BY s.STEP_EXECUTION_ID""")
                .param(id).query(String.class).list())
                .containsExactly("steps count-runs..after FAILED", "steps count-runs..after COMPLETED");
    }

    /**
     * A phase that failed under a version where every runbook step was its own Batch step (a rolling
     * upgrade, or a cutover left failed over one) restarts under runs: its completed Batch step of the
     * first step must not make Batch pass over the whole run that starts with it.
     */
    @Test
    void aPhaseThatFailedWithOneBatchStepPerStepRestartsFromTheFailedStep() {
        String id = createCutover("flaky");
        api.post("operator", "/api/cutovers/" + id + "/phases/one/start", null);
        api.awaitState(id, "FAILED");
        // Rewrite the failed execution as the earlier version left it: count-runs COMPLETED, needs-file FAILED.
        long execution = jdbc.sql("SELECT job_execution_id FROM cutover WHERE id = ?").param(id).query(Long.class).single();
        jdbc.sql("UPDATE BATCH_STEP_EXECUTION SET STEP_NAME = 'needs-file' WHERE JOB_EXECUTION_ID = ?").param(execution)
                .update();
        JobExecution failed = jobRepository.getJobExecution(execution);
        StepExecution first = jobRepository.createStepExecution("count-runs", failed);
        first.setStatus(BatchStatus.COMPLETED);
        first.setExitStatus(org.springframework.batch.core.ExitStatus.COMPLETED);
        first.setEndTime(java.time.LocalDateTime.now());
        jobRepository.update(first);

        RUNBOOKS.touch(id + ".ok");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/one/restart", null).status()).isEqualTo(202);
        JsonNode completed = api.awaitState(id, "COMPLETED");
        assertThat(stepState(completed, "needs-file")).isEqualTo("SUCCEEDED");
        assertThat(stepState(completed, "after")).isEqualTo("SUCCEEDED");
        assertThat(RUNBOOKS.lines(id + ".runs")).as("the step that had succeeded ran once").containsExactly("run");
        assertThat(RUNBOOKS.lines(id + ".after")).containsExactly("after");
    }

    @Test
    void abortStopsForGood() {
        String id = createCutover("slow");
        api.post("operator", "/api/cutovers/" + id + "/phases/slow-phase/start", null);
        api.awaitCutover(id, c -> "RUNNING".equals(stepState(c, "wait-a")), 10);
        assertThat(api.post("operator", "/api/cutovers/" + id + "/abort", null).status()).isEqualTo(403);
        Api.Answer aborted = api.post("approver", "/api/cutovers/" + id + "/abort", null);
        assertThat(aborted.status()).isEqualTo(202);
        JsonNode after = api.awaitCutover(id, c -> "STOPPED".equals(stepState(c, "wait-a")), 10);
        assertThat(after.path("state").asString()).isEqualTo("ABORTED");
        assertThat(after.path("allowedActions").size()).isZero();
        assertThat(RUNBOOKS.lines(id + ".done")).isEmpty();
    }

    @Test
    void rollbackIsRefusedAfterAPointOfNoReturn() {
        String id = createCutover("one-way");
        api.post("operator", "/api/cutovers/" + id + "/phases/promote/start", null);
        JsonNode completed = api.awaitState(id, "COMPLETED");
        assertThat(completed.path("allowedActions").size()).isZero();
        Api.Answer refused = api.post("approver", "/api/cutovers/" + id + "/rollback", null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().path("detail").asString()).contains("point of no return", "lose");
    }

    @Test
    void rollbackDuringARunningPhaseStopsItThenUndoesEveryStepThatStarted() {
        String id = createCutover("walkthrough");
        api.post("operator", "/api/cutovers/" + id + "/phases/prepare/start", null);
        api.awaitState(id, "READY");
        api.post("operator", "/api/cutovers/" + id + "/phases/go/start", null);
        api.awaitState(id, "AWAITING_APPROVAL");
        assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", null).status()).isEqualTo(202);
        JsonNode rolledBack = api.awaitState(id, "ROLLED_BACK");
        assertThat(stepState(rolledBack, "go-no-go")).as("stopped, then its (empty) inverse ran").isEqualTo("ROLLED_BACK");
        assertThat(stepState(rolledBack, "write-marker")).isEqualTo("ROLLED_BACK");
        assertThat(RUNBOOKS.lines(id + ".prepared")).containsExactly("prepared", "undone");
    }
}
