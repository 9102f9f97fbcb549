package dev.cutover.cutover.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.instance.InstanceLeases;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Whose executions an instance takes over: only those whose owner's lease expired (at startup also
 * its own earlier ones and rows from before leases), never a live instance's. The other instances
 * are lease rows written here; the running phase is a cutover row set to RUNNING as a dead or live
 * instance would have left it.
 */
class TakeoverRulesTests extends ServiceTest {

    @Autowired
    JdbcClient jdbc;
    @Autowired
    InterruptedExecutionRecovery recovery;
    @Autowired
    InstanceLeases leases;
    @Autowired
    JobRepository jobs;

    @BeforeEach
    void runbook() {
        addRunbook("takeover.yaml", """
                name: takeover
                environments:
                  local: { connections: {} }
                phases:
                  - name: work
                    steps:
                      - { id: migrate, type: command, with: { run: "true" } }
                  - name: gated
                    steps:
                      - id: probe
                        type: http-check
                        autoResume: true
                        with: { url: "http://127.0.0.1:%d/actuator/health" }
                """.formatted(port));
    }

    @Test
    void aLiveInstancesRunningPhaseIsNeverTouched() {
        lease("peer-live", "TIMESTAMPADD(MINUTE, 60, CURRENT_TIMESTAMP(6))");
        String id = runningOn("peer-live", "work", "migrate");

        recovery.recoverOrphans(true);
        recovery.recoverOrphans(false);

        JsonNode cutover = api.get("viewer", "/api/cutovers/" + id).body();
        assertThat(cutover.path("state").asString()).isEqualTo("RUNNING");
        assertThat(stepState(cutover, "migrate")).isEqualTo("RUNNING");
        assertThat(outcomes(id)).doesNotContain("interrupted");
    }

    @Test
    void aDeadInstancesPhaseIsInterruptedNamingItAndAStepThatChangesThingsWaitsForAPerson() {
        lease("peer-dead", "TIMESTAMPADD(MINUTE, -1, CURRENT_TIMESTAMP(6))");
        String id = runningOn("peer-dead", "work", "migrate");

        recovery.recoverOrphans(false);

        JsonNode cutover = api.get("viewer", "/api/cutovers/" + id).body();
        assertThat(cutover.path("state").asString()).isEqualTo("INTERRUPTED");
        assertThat(stepState(cutover, "migrate")).isEqualTo("INTERRUPTED");
        JsonNode interrupted = event(id, "interrupted");
        assertThat(interrupted.path("message").asString())
                .startsWith("service instance peer-dead (host db-host-1, pid 4242) stopped renewing its lease while "
                        + "phase work ran there; taken over by instance " + leases.self().id())
                .endsWith("restart the phase to continue from the interrupted step");
        assertThat(interrupted.path("evidence").path("deadInstance").asString()).isEqualTo("peer-dead");
        assertThat(interrupted.path("evidence").path("takenOverBy").asString()).isEqualTo(leases.self().id());

        recovery.recoverOrphans(false);
        assertThat(outcomes(id).stream().filter("interrupted"::equals)).as("taken over once").hasSize(1);
    }

    @Test
    void anAutoResumeGateOfADeadInstanceRestartsHere() {
        lease("peer-gone", "TIMESTAMPADD(MINUTE, -1, CURRENT_TIMESTAMP(6))");
        String id = runningOn("peer-gone", "gated", "probe");
        jdbc.sql("UPDATE cutover_step SET state = 'SUCCEEDED' WHERE cutover_id = ? AND step_id = 'migrate'")
                .param(id).update();

        recovery.recoverOrphans(false);

        JsonNode ended = api.awaitCutover(id, c -> "COMPLETED".equals(c.path("state").asString()), 30);
        assertThat(stepState(ended, "probe")).isEqualTo("SUCCEEDED");
        assertThat(event(id, "interrupted").path("message").asString())
                .contains("every interrupted step says autoResume and is safe to run again: the phase restarts");
        assertThat(actorsAndActions(id)).containsSubsequence("system phase interrupted", "system restart-phase accepted",
                "system phase completed");
    }

    @Test
    void itsOwnRunningPhaseIsLeftAloneWhileItLivesAndTakenOverAtItsNextStart() {
        String id = runningOn(leases.self().id(), "work", "migrate");

        recovery.recoverOrphans(false);
        assertThat(api.get("viewer", "/api/cutovers/" + id).body().path("state").asString()).isEqualTo("RUNNING");

        recovery.recoverOrphans(true); // as at startup: a process with the same id ran it before
        assertThat(api.get("viewer", "/api/cutovers/" + id).body().path("state").asString()).isEqualTo("INTERRUPTED");
        assertThat(event(id, "interrupted").path("message").asString()).startsWith("found at startup: service instance "
                + leases.self().id());
    }

    @Test
    void aRowFromBeforeLeasesIsTakenOverOnlyAtStartup() {
        String id = runningOn(null, "work", "migrate");

        recovery.recoverOrphans(false);
        assertThat(api.get("viewer", "/api/cutovers/" + id).body().path("state").asString()).isEqualTo("RUNNING");

        recovery.recoverOrphans(true);
        assertThat(api.get("viewer", "/api/cutovers/" + id).body().path("state").asString()).isEqualTo("INTERRUPTED");
        assertThat(event(id, "interrupted").path("message").asString()).startsWith("found at startup: the service "
                + "stopped while phase work ran");
    }

    @Test
    void aRollbackWaitingForAPhaseOnAnInstanceThatDiesGoesOnWithoutIt() {
        lease("peer-vanished", "TIMESTAMPADD(MINUTE, 60, CURRENT_TIMESTAMP(6))");
        String id = runningOn("peer-vanished", "work", "migrate");
        // The phase execution as the other instance left it running: a STARTED row in the job repository.
        JobParameters parameters = new JobParametersBuilder().addString("cutoverId", id).toJobParameters();
        JobInstance instance = jobs.createJobInstance("phase." + id + ".work", parameters);
        JobExecution execution = jobs.createJobExecution(instance, parameters, new ExecutionContext());
        execution.setStatus(BatchStatus.STARTED);
        execution.setStartTime(java.time.LocalDateTime.now());
        jobs.update(execution);
        jdbc.sql("UPDATE cutover SET job_execution_id = ?, version = version + 1 WHERE id = ?")
                .params(execution.getId(), id).update();

        assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", null).status()).isEqualTo(202);
        Api.sleep(1500);
        assertThat(api.get("viewer", "/api/cutovers/" + id).body().path("state").asString())
                .as("waiting for the live instance's phase").isEqualTo("ROLLING_BACK");

        lease("peer-vanished", "TIMESTAMPADD(MINUTE, -1, CURRENT_TIMESTAMP(6))"); // it dies
        JsonNode ended = api.awaitCutover(id, c -> !"ROLLING_BACK".equals(c.path("state").asString()), 20);
        assertThat(ended.path("state").asString()).isEqualTo("ROLLED_BACK");
        assertThat(event(id, "continuing").path("message").asString()).startsWith("service instance peer-vanished "
                + "(host db-host-1, pid 4242) died before the running step of job execution " + execution.getId());
        assertThat(jobs.getJobExecution(execution.getId()).getStatus()).isEqualTo(BatchStatus.FAILED);
    }

    private void lease(String instance, String expiresAt) {
        jdbc.sql("DELETE FROM service_instance WHERE id = ?").param(instance).update();
        jdbc.sql("INSERT INTO service_instance (id, host, pid, started_at, renewed_at, expires_at) VALUES (?, "
                + "'db-host-1', 4242, CURRENT_TIMESTAMP(6), CURRENT_TIMESTAMP(6), " + expiresAt + ")")
                .param(instance).update();
    }

    /** A cutover whose phase runs {@code step} on {@code owner}, as that instance left the rows. */
    private String runningOn(String owner, String phase, String step) {
        String id = createCutover("takeover");
        jdbc.sql("UPDATE cutover SET state = 'RUNNING', current_phase = ?, owner_instance = ?, version = version + 1 "
                + "WHERE id = ?").params(phase, owner, id).update();
        jdbc.sql("UPDATE cutover_step SET state = 'RUNNING', attempts = 1, started_at = CURRENT_TIMESTAMP(6) "
                + "WHERE cutover_id = ? AND step_id = ?").params(id, step).update();
        return id;
    }

    private List<JsonNode> events(String id) {
        List<JsonNode> events = new ArrayList<>();
        api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").body().path("events").forEach(events::add);
        return events;
    }

    private List<String> outcomes(String id) {
        return events(id).stream().map(event -> event.path("outcome").asString()).toList();
    }

    private List<String> actorsAndActions(String id) {
        return events(id).stream().map(event -> event.path("actor").asString() + " " + event.path("action").asString()
                + " " + event.path("outcome").asString()).toList();
    }

    private JsonNode event(String id, String outcome) {
        return events(id).stream().filter(event -> outcome.equals(event.path("outcome").asString())).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + outcome + "' event in " + Api.class.getSimpleName()
                        + " answer " + events(id)));
    }
}
