package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.instance.InstanceLeases;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A rolling restart hands a running phase over instead of leaving it for a person: the instance that
 * stops gracefully pauses its phase at the running step and offers it to a live instance, which resumes
 * it. Each half runs here against rows the other instance would write: an offer appended by a peer is
 * taken up by this instance; this instance's graceful stop (called directly) offers its phase to a peer.
 */
class HandoverTests extends ServiceTest {

    private static final String RUNBOOK = """
            name: handover-demo
            description: a long step a rolling restart hands from one instance to another
            environments:
              local: { connections: {} }
            phases:
              - name: hold
                steps:
                  - id: long-wait
                    type: wait
                    with: { duration: 30s }
            """;

    @Autowired
    JdbcClient jdbc;
    @Autowired
    InstanceLeases leases;
    @Autowired
    GracefulShutdown shutdown;

    @Test
    void aPhaseOfferedByAnInstanceStoppingGracefullyIsResumedHere() {
        addRunbook("handover-demo.yaml", RUNBOOK);
        lease("handover-leaving", 1);
        String id = pausedCutover();
        jdbc.sql("UPDATE cutover SET owner_instance = 'handover-leaving' WHERE id = ?").param(id).update(); // A ran it
        try {
            appendAsPeer(id, "{\"from\":\"handover-leaving\",\"to\":\"" + leases.self().id() + "\"}");

            JsonNode resumed = api.awaitCutover(id, c -> "RUNNING".equals(c.path("state").asString())
                    && "RUNNING".equals(stepState(c, "long-wait")), 5);
            assertThat(resumed.path("runsOn").path("instance").asString()).isEqualTo(leases.self().id());
            assertThat(messages(id, "taken")).singleElement().asString().isEqualTo("phase hold handed over from service "
                    + "instance handover-leaving (host handover-host, pid 7) to " + leases.self().describe());
        } finally {
            abort(id);
        }
    }

    @Test
    void aGracefulStopWithALiveInstanceOffersItsPausedPhaseToIt() throws Exception {
        addRunbook("handover-demo.yaml", RUNBOOK);
        String id = createCutover("handover-demo");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/hold/start", null).status()).isEqualTo(202);
        api.awaitCutover(id, c -> "RUNNING".equals(stepState(c, "long-wait")), 10);
        lease("handover-heir", 1);
        try {
            shutdown.pauseRunningPhases(); // what this instance's graceful stop does first

            assertThat(api.get("viewer", "/api/cutovers/" + id).body().path("state").asString()).isEqualTo("PAUSED");
            assertThat(messages(id, Handover.OFFERED)).singleElement().asString().isEqualTo("service instance "
                    + leases.self().id() + " stopped gracefully and hands phase hold over to service instance handover-heir");
        } finally {
            abort(id);
            jdbc.sql("DELETE FROM service_instance WHERE id = 'handover-heir'").update();
        }
    }

    private String pausedCutover() {
        String id = createCutover("handover-demo");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/hold/start", null).status()).isEqualTo(202);
        api.awaitCutover(id, c -> "RUNNING".equals(stepState(c, "long-wait")), 10);
        assertThat(api.post("operator", "/api/cutovers/" + id + "/pause", null).status()).isEqualTo(202);
        api.awaitState(id, "PAUSED");
        return id;
    }

    private List<String> messages(String id, String outcome) {
        return jdbc.sql("SELECT message FROM cutover_event WHERE cutover_id = ? AND action = 'handover' AND outcome = ?")
                .params(id, outcome).query(String.class).list();
    }

    private void abort(String id) {
        api.post("approver", "/api/cutovers/" + id + "/abort", null);
        Api.sleep(300);
    }

    private void lease(String id, int minutes) {
        jdbc.sql("DELETE FROM service_instance WHERE id = ?").param(id).update();
        jdbc.sql("INSERT INTO service_instance (id, host, pid, started_at, renewed_at, expires_at) VALUES (?, "
                + "'handover-host', 7, CURRENT_TIMESTAMP(6), TIMESTAMPADD(SECOND, 1, CURRENT_TIMESTAMP(6)), "
                + "TIMESTAMPADD(MINUTE, ?, CURRENT_TIMESTAMP(6)))").params(id, minutes).update();
    }

    private void appendAsPeer(String cutoverId, String evidence) {
        jdbc.sql("INSERT INTO cutover_event (cutover_id, occurred_at, phase, actor, action, outcome, message, evidence, "
                        + "instance_id) VALUES (?, ?, 'hold', 'system', 'handover', 'offered', 'handing over', ?, "
                        + "'handover-leaving')")
                .params(cutoverId, Timestamp.from(Instant.now()), evidence).update();
    }
}
