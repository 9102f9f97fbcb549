package dev.cutover.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.ServiceTest;
import dev.cutover.testsupport.net.FaultyLink;
import dev.cutover.testsupport.net.PrivateNamed;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The RFC 2136 switch over a lossy link: a BIND of the test's own inside a {@link FaultyLink}'s
 * namespace, {@link #LOSS_PERCENT}% of packets dropped each way (10% here, 20% in {@code bench/net-faults.sh}). The switch either completes and
 * resolves to the new address, or fails with a reason an engineer can read; either way the
 * rollback's revert puts the original record back, values and TTL.
 */
class DnsSwitchOverLossyLinkTests extends ServiceTest {

    private static final double LOSS_PERCENT = Double.parseDouble(System.getProperty("netfaults.dnsLossPercent", "10"));
    private static final String RECORD = "shop." + PrivateNamed.ZONE;

    private static FaultyLink link;
    private static PrivateNamed named;

    @BeforeAll
    static void zone() throws IOException {
        link = FaultyLink.create();
        named = PrivateNamed.start(link, "shop 300 IN A 192.0.2.30\nshop 300 IN A 192.0.2.31");
        Files.writeString(RUNBOOKS.work().resolve("nf-dns-tsig"), named.tsigSecret() + "\n");
    }

    @AfterAll
    static void stop() {
        if (named != null) {
            named.close();
        }
        if (link != null) {
            link.close();
        }
    }

    @Test
    void aSwitchOverALossyLinkCompletesOrFailsClearlyAndItsRevertRestoresTheRecord() throws IOException {
        addRunbook("nf-dns.yaml", """
                name: nf-dns
                description: An RFC 2136 switch over a lossy link (DnsSwitchOverLossyLinkTests)
                environments:
                  local:
                    connections:
                      zone: { type: rfc2136, server: "%s", port: "%d", zone: "%s", tsigKeyName: "%s",
                              tsigAlgorithm: "%s", tsigSecret: "${file:@WORK@/nf-dns-tsig}", pollIntervalMs: "100" }
                phases:
                  - name: window
                    steps:
                      - id: point-at-aws
                        type: dns-switch
                        timeout: 1m
                        with: { connection: zone, record: %s, type: A, values: ["198.51.100.7"] }
                """.formatted(named.host(), PrivateNamed.PORT, PrivateNamed.ZONE, PrivateNamed.TSIG_NAME,
                PrivateNamed.TSIG_ALGORITHM, RECORD));
        String id = createCutover("nf-dns");
        long began = System.nanoTime();
        String outcome;
        link.loss(LOSS_PERCENT);
        try {
            api.post("operator", "/api/cutovers/" + id + "/phases/window/start", null);
            JsonNode ended = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), 90);
            String state = ended.path("state").asString();
            assertThat(state).as(ended.toString()).isIn("COMPLETED", "FAILED");
            if ("COMPLETED".equals(state)) {
                outcome = "completed";
                link.loss(0);
                assertThat(named.lookUp(RECORD, "A")).as("the record after the switch").containsExactly("198.51.100.7");
            } else {
                outcome = "failed";
                String events = api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").body().toString();
                // e.g. "no answer from 10.231.x.y:53 to query shop.nf.test. A after 4 attempts: Timed out ..."
                // (each lost exchange is sent again up to retries times, 3 by default; then it fails and says where)
                assertThat(events).as("why the switch failed").contains(named.host())
                        .doesNotContain("Exception").doesNotContain("org.xbill");
            }
            link.loss(LOSS_PERCENT);
            assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", null).status()).isEqualTo(202);
            JsonNode rolledBack = api.awaitCutover(id, c -> !"ROLLING_BACK".equals(c.path("state").asString())
                    && !"RUNNING".equals(c.path("state").asString()), 90);
            assertThat(rolledBack.path("state").asString()).as(rolledBack.toString()).isEqualTo("ROLLED_BACK");
        } finally {
            link.loss(0);
        }
        assertThat(named.lookUp(RECORD, "A")).as("the record after the revert").isEqualTo(List.of("192.0.2.30", "192.0.2.31"));
        assertThat(api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").text()).doesNotContain(named.tsigSecret());
        System.out.printf("netfaults dns: loss_pct=%.1f outcome=%s reverted=yes total_ms=%d%n", LOSS_PERCENT, outcome,
                (System.nanoTime() - began) / 1_000_000);
    }
}
