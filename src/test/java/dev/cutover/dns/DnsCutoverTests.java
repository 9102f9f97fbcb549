package dev.cutover.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A DNS cutover through the REST API against the test stack's BIND: {@code dns-ttl} ahead of the
 * window, {@code dns-switch} in it (A records give way to a CNAME to the load balancer), resolved
 * from the server after each; then an approver's rollback puts the original A records back, values
 * and TTL, as resolving shows. The TSIG secret (a {@code ${file:}} reference) never leaves the service.
 */
class DnsCutoverTests extends ServiceTest {

    private static final BindTestZone ZONE = new BindTestZone();
    private static final String ALB = "my-alb-123.eu-west-1.elb.amazonaws.com.";

    @Test
    void ttlThenSwitchResolveToTheTargetAndRollbackRestoresTheOriginalRecord() throws Exception {
        String record = "shop" + UUID.randomUUID().toString().substring(0, 6);
        RecordSet original = new RecordSet(record + "." + ZONE.zone(), "A", 3600, List.of("192.0.2.110", "192.0.2.111"));
        RecordKey cname = new RecordKey(original.name(), "CNAME");
        ZONE.seed(original);
        String runbook = "dns-" + record;
        Files.writeString(RUNBOOKS.work().resolve(runbook + "-tsig"), ZONE.server().tsigSecret() + "\n");
        RUNBOOKS.add(runbook + ".yaml", """
                name: %s
                description: DNS switch and revert against the test stack's BIND
                environments:
                  local:
                    connections:
                      zone: { type: rfc2136, server: "%s", port: "%d", zone: "%s", tsigKeyName: "%s",
                              tsigAlgorithm: "%s", tsigSecret: "${file:@WORK@/%s-tsig}", pollIntervalMs: "50" }
                phases:
                  - name: ahead
                    steps:
                      - id: lower-ttl
                        type: dns-ttl
                        owner: network-lead
                        timeout: 1m
                        with: { connection: zone, record: %s, type: A, ttl: 60s }
                  - name: window
                    steps:
                      - id: point-at-aws
                        type: dns-switch
                        owner: network-lead
                        timeout: 1m
                        with: { connection: zone, record: %s, type: CNAME, replaces: A, values: ["%s"] }
                """.formatted(runbook, ZONE.server().host(), ZONE.server().port(), ZONE.zone(), ZONE.server().tsigName(),
                ZONE.server().tsigAlgorithm(), runbook, record, record, ALB));
        assertThat(api.post("operator", "/api/runbooks/reload", "").status()).isEqualTo(200);
        String id = createCutover(runbook);

        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/ahead/start", null).status()).isEqualTo(202);
        assertThat(stepState(api.awaitState(id, "READY"), "lower-ttl")).isEqualTo("SUCCEEDED");
        assertThat(ZONE.lookUp(original.key())).contains(original.withTtl(60));

        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/window/start", null).status()).isEqualTo(202);
        JsonNode completed = api.awaitState(id, "COMPLETED");
        assertThat(stepState(completed, "point-at-aws")).isEqualTo("SUCCEEDED");
        assertThat(ZONE.lookUp(cname)).contains(new RecordSet(original.name(), "CNAME", 60, List.of(ALB)));
        assertThat(ZONE.lookUp(original.key())).isEmpty();

        assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", null).status()).isEqualTo(202);
        JsonNode rolledBack = api.awaitState(id, "ROLLED_BACK");
        assertThat(stepState(rolledBack, "point-at-aws")).isEqualTo("ROLLED_BACK");
        assertThat(stepState(rolledBack, "lower-ttl")).isEqualTo("ROLLED_BACK");
        assertThat(ZONE.lookUp(original.key())).contains(original);
        assertThat(ZONE.lookUp(original.key()).orElseThrow().ttlSeconds()).isEqualTo(3600);
        assertThat(ZONE.lookUp(cname)).isEmpty();

        String events = api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").text();
        List<String> story = new ArrayList<>();
        for (JsonNode event : api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").body().path("events")) {
            story.add(event.path("action").asString() + " " + event.path("outcome").asString() + " "
                    + event.path("stepId").asString(""));
        }
        assertThat(story).containsSubsequence("step succeeded lower-ttl", "step succeeded point-at-aws",
                "rollback succeeded point-at-aws", "rollback succeeded lower-ttl", "rollback completed ");
        assertThat(events).contains("192.0.2.110", ALB).doesNotContain(ZONE.server().tsigSecret());
        assertThat(rolledBack.toString()).doesNotContain(ZONE.server().tsigSecret());
    }
}
