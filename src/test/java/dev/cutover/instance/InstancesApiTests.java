package dev.cutover.instance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Which instance runs what: {@code GET /api/instances} lists live and expired instances with the work
 * recorded as theirs, and a cutover's answer names the instance running it ({@code runsOn}). The peer
 * is rows as another instance would have written them.
 */
class InstancesApiTests extends ServiceTest {

    @Autowired
    JdbcClient jdbc;
    @Autowired
    InstanceLeases leases;

    @Test
    void theListShowsLiveAndExpiredInstancesAndWhatEachRunsAndACutoverNamesItsInstance() {
        lease("list-peer-live", "TIMESTAMPADD(MINUTE, 5, CURRENT_TIMESTAMP(6))");
        lease("list-peer-gone", "TIMESTAMPADD(SECOND, -5, CURRENT_TIMESTAMP(6))");
        String cutover = createCutover("walkthrough");
        jdbc.sql("UPDATE cutover SET state = 'RUNNING', current_phase = 'prepare', owner_instance = 'list-peer-live' "
                + "WHERE id = ?").param(cutover).update();
        try {
            Api.Answer list = api.get("viewer", "/api/instances");
            assertThat(list.status()).as(list.text()).isEqualTo(200);
            JsonNode self = instance(list.body(), leases.self().id());
            assertThat(self.path("lease").asString()).isEqualTo("LIVE");
            assertThat(self.path("self").asBoolean()).isTrue();
            assertThat(self.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            JsonNode peer = instance(list.body(), "list-peer-live");
            assertThat(peer.path("lease").asString()).isEqualTo("LIVE");
            assertThat(peer.path("self").asBoolean()).isFalse();
            assertThat(peer.path("host").asString()).isEqualTo("list-host");
            assertThat(peer.path("runs").toString()).contains("\"kind\":\"cutover\"", "\"id\":\"" + cutover + "\"",
                    "\"state\":\"RUNNING\"", "phase prepare of walkthrough (local)");
            assertThat(instance(list.body(), "list-peer-gone").path("lease").asString()).isEqualTo("EXPIRED");
            assertThat(list.text()).as("live instances come first")
                    .matches("(?s).*list-peer-live.*list-peer-gone.*");

            JsonNode runsOn = api.get("viewer", "/api/cutovers/" + cutover).body().path("runsOn");
            assertThat(runsOn.path("instance").asString()).isEqualTo("list-peer-live");
            assertThat(runsOn.path("host").asString()).isEqualTo("list-host");
            assertThat(runsOn.path("pid").asLong()).isEqualTo(4711);
            assertThat(runsOn.path("lease").asString()).isEqualTo("LIVE");
            assertThat(api.get("viewer", "/api/cutovers/" + createCutover("walkthrough")).body().path("runsOn").isNull())
                    .as("a cutover nothing ran yet names no instance").isTrue();
        } finally {
            jdbc.sql("UPDATE cutover SET state = 'ABORTED', owner_instance = NULL WHERE id = ?").param(cutover).update();
            jdbc.sql("DELETE FROM service_instance WHERE id IN ('list-peer-live', 'list-peer-gone')").update();
        }
    }

    private static JsonNode instance(JsonNode list, String id) {
        for (JsonNode instance : list) {
            if (instance.path("id").asString().equals(id)) {
                return instance;
            }
        }
        throw new AssertionError("instance " + id + " not listed in " + list);
    }

    private void lease(String id, String expiresAt) {
        jdbc.sql("DELETE FROM service_instance WHERE id = ?").param(id).update();
        jdbc.sql("INSERT INTO service_instance (id, host, pid, started_at, renewed_at, expires_at) VALUES (?, "
                + "'list-host', 4711, CURRENT_TIMESTAMP(6), CURRENT_TIMESTAMP(6), " + expiresAt + ")").param(id).update();
    }
}
