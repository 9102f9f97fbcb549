package dev.cutover.dns.route53;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.dns.DnsPreflight;
import dev.cutover.dns.DnsSwitches;
import dev.cutover.dns.RecordSet;
import dev.cutover.runbook.Durations;
import dev.cutover.step.MapStepArguments;
import dev.cutover.step.PreflightFinding;
import dev.cutover.step.PreflightPlan;
import dev.cutover.runbook.RunbookConnection;
import dev.cutover.step.ResolvedConnection;
import java.util.function.UnaryOperator;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Preflight of a route53 zone against {@link Route53ApiStub}: the credentials can read the zone and its records. */
class Route53PreflightTests {

    private final Route53ApiStub stub = new Route53ApiStub(Route53DnsSwitchContractTests.ZONE_ID, "example.test.",
            Route53DnsSwitchContractTests.ACCESS_KEY);
    private final DnsPreflight preflight = new DnsPreflight(new DnsSwitches(List.of(new Route53SwitchOpener())));

    @AfterEach
    void stop() {
        stub.close();
    }

    @Test
    void theCredentialsReadTheZoneAndTheRecordTheTtlStepLowers() throws Exception {
        stub.seed(new RecordSet("example.test.", "SOA", 900,
                List.of("ns-1.awsdns.example. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400")));
        stub.seed(new RecordSet("www.example.test.", "A", 3600, List.of("192.0.2.10")));

        List<PreflightFinding> findings = run(Map.of());

        assertThat(findings).extracting(PreflightFinding::check, PreflightFinding::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("zone exists", PreflightFinding.Status.OK),
                org.assertj.core.groups.Tuple.tuple("record www.example.test. A", PreflightFinding.Status.OK));
        assertThat(stub.requests()).allMatch(request -> request.startsWith("GET /2013-04-01/hostedzone/"
                + Route53DnsSwitchContractTests.ZONE_ID + "/rrset"));
    }

    @Test
    void credentialsThatCannotReadTheZoneFailWithoutShowingTheSecretKey() throws Exception {
        List<PreflightFinding> findings = run(Map.of("accessKeyId", "AKIAWRONG0000000000"));

        assertThat(findings).hasSize(1);
        assertThat(findings.get(0).status()).isEqualTo(PreflightFinding.Status.FAILED);
        assertThat(findings.get(0).detail()).contains("403").doesNotContain(Route53DnsSwitchContractTests.SECRET_KEY);
        assertThat(findings.get(0).hint()).contains("credentials");
    }

    private List<PreflightFinding> run(Map<String, String> overrides) throws Exception {
        Map<String, String> settings = new HashMap<>(Route53DnsSwitchContractTests.settings(stub));
        settings.putAll(overrides);
        ResolvedConnection zone = new RunbookConnection("zone", "route53", settings).resolved(UnaryOperator.identity());
        Map<String, Object> with = Map.of("connection", "zone", "record", "www", "type", "A", "ttl", "60s");
        PreflightPlan plan = new PreflightPlan("local", List.of(new PreflightPlan.PlannedStep("lower-ttl", "dns-ttl",
                new MapStepArguments(with, value -> value, Durations::parse), Set.of("zone"))), Map.of("zone", zone),
                Duration.ofSeconds(5));
        return preflight.probes(plan).get(0).run().call();
    }
}
