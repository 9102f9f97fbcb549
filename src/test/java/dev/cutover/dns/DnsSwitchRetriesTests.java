package dev.cutover.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import dev.cutover.testsupport.net.FaultyLink;
import dev.cutover.testsupport.net.PrivateNamed;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The RFC 2136 switch's {@code retries} (default 3, backoff 250/500/1000 ms) against a BIND of the
 * test's own behind a {@link FaultyLink} that drops everything for a while: a cut of about a second
 * is ridden out by sending again; a cut longer than every retry fails the step saying how many
 * attempts got no answer, and the rollback's revert leaves the original record.
 */
class DnsSwitchRetriesTests extends ServiceTest {

    private static final String RECORD = "api." + PrivateNamed.ZONE;

    private static FaultyLink link;
    private static PrivateNamed named;

    @BeforeAll
    static void zone() throws IOException {
        link = FaultyLink.create();
        named = PrivateNamed.start(link, "api 300 IN A 192.0.2.40");
        Files.writeString(RUNBOOKS.work().resolve("nf-dnsretry-tsig"), named.tsigSecret() + "\n");
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

    @AfterEach
    void heal() {
        link.heal();
    }

    @Test
    void aCutOfASecondIsRiddenOutBySendingAgain() throws IOException {
        String id = createCutover(runbook("nf-dnsretry-short"));
        link.partition();
        api.post("operator", "/api/cutovers/" + id + "/phases/window/start", null);
        api.awaitCutover(id, c -> !"PENDING".equals(stepState(c, "point-at-aws")), 30);
        long began = System.nanoTime();
        Api.sleep(1_000);
        link.heal();
        JsonNode ended = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), 30);
        assertThat(ended.path("state").asString()).as(ended.toString()).isEqualTo("COMPLETED");
        String step = Api.step(ended, "point-at-aws").toString() + api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").text();
        assertThat(step).as("the receipt says messages were sent again").contains("sent again after no answer");
        assertThat(named.lookUp(RECORD, "A")).containsExactly("198.51.100.8");
        System.out.printf("DnsSwitchRetriesTests: a 1 s cut ridden out, switch done %d ms after the cut began; %s%n",
                (System.nanoTime() - began) / 1_000_000,
                step.replaceAll("(?s).*NOERROR \\((\\d+ messages? sent again)[^)]*\\).*", "$1"));
        // Put the record back for the other case.
        assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", null).status()).isEqualTo(202);
        api.awaitCutover(id, c -> "ROLLED_BACK".equals(c.path("state").asString()), 30);
        assertThat(named.lookUp(RECORD, "A")).containsExactly("192.0.2.40");
    }

    @Test
    void aCutLongerThanEveryRetryFailsClearlyAndTheRevertLeavesTheRecord() throws IOException {
        String id = createCutover(runbook("nf-dnsretry-long"));
        link.partition();
        long began = System.nanoTime();
        api.post("operator", "/api/cutovers/" + id + "/phases/window/start", null);
        JsonNode ended = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), 30);
        long failedMs = (System.nanoTime() - began) / 1_000_000;
        assertThat(ended.path("state").asString()).as(ended.toString()).isEqualTo("FAILED");
        String events = api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").text();
        assertThat(events).as("why the switch failed").contains("no answer from " + named.host(), "after 4 attempts")
                .doesNotContain("org.xbill").doesNotContain(named.tsigSecret());
        link.heal();
        assertThat(api.post("approver", "/api/cutovers/" + id + "/rollback", null).status()).isEqualTo(202);
        JsonNode rolledBack = api.awaitCutover(id, c -> !"ROLLING_BACK".equals(c.path("state").asString())
                && !"RUNNING".equals(c.path("state").asString()), 30);
        assertThat(rolledBack.path("state").asString()).as(rolledBack.toString()).isEqualTo("ROLLED_BACK");
        assertThat(named.lookUp(RECORD, "A")).as("the record after the revert").isEqualTo(List.of("192.0.2.40"));
        System.out.printf("DnsSwitchRetriesTests: a cut longer than 3 retries failed the switch after %d ms%n", failedMs);
    }

    private String runbook(String name) {
        addRunbook(name + ".yaml", """
                name: %s
                description: An RFC 2136 switch while its server's link is cut (DnsSwitchRetriesTests)
                environments:
                  local:
                    connections:
                      zone: { type: rfc2136, server: "%s", port: "%d", zone: "%s", tsigKeyName: "%s",
                              tsigAlgorithm: "%s", tsigSecret: "${file:@WORK@/nf-dnsretry-tsig}", pollIntervalMs: "100",
                              timeoutMs: "400" }
                phases:
                  - name: window
                    steps:
                      - id: point-at-aws
                        type: dns-switch
                        timeout: 1m
                        with: { connection: zone, record: %s, type: A, values: ["198.51.100.8"] }
                """.formatted(name, named.host(), PrivateNamed.PORT, PrivateNamed.ZONE, PrivateNamed.TSIG_NAME,
                PrivateNamed.TSIG_ALGORITHM, RECORD));
        return name;
    }
}
