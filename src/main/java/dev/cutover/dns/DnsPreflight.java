package dev.cutover.dns;

import dev.cutover.step.PreflightCheck;
import dev.cutover.step.PreflightFinding;
import dev.cutover.step.PreflightPlan;
import dev.cutover.step.PreflightProbe;
import dev.cutover.step.ResolvedConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Preflight of the DNS zones the {@code dns-ttl}, {@code dns-switch} and {@code dns-shift} steps change: the switch
 * proves it may update the zone without changing it where it can ({@link UpdateRights}: TSIG key
 * accepted, serial unchanged), reads the zone's SOA (Route 53: the credentials can list the zone)
 * and the records the steps need to be there.
 */
@Component
public class DnsPreflight implements PreflightCheck {

    private static final Set<String> STEP_TYPES = Set.of("dns-ttl", "dns-switch", "dns-shift");

    private final DnsSwitches switches;

    public DnsPreflight(DnsSwitches switches) {
        this.switches = switches;
    }

    /** A record a step needs to find: its name as written and its type. */
    private record Needed(String record, String type) {
    }

    @Override
    public List<PreflightProbe> probes(PreflightPlan plan) {
        Map<String, Map<Needed, Set<String>>> byConnection = new LinkedHashMap<>();
        for (PreflightPlan.PlannedStep step : plan.stepsOfType(STEP_TYPES)) {
            String connection = step.with().requiredString("connection");
            String record = step.with().requiredString("record");
            // A dns-shift's record may be made by an earlier step (a dns-switch to a CNAME): only its zone is checked.
            Optional<String> mustExist = switch (step.type()) {
                case "dns-ttl" -> step.with().string("type");
                case "dns-switch" -> step.with().string("replaces");
                default -> Optional.empty();
            };
            Map<Needed, Set<String>> needed = byConnection.computeIfAbsent(connection, c -> new LinkedHashMap<>());
            mustExist.ifPresent(type -> needed.computeIfAbsent(new Needed(record, type), n -> new LinkedHashSet<>())
                    .add(step.id()));
        }
        List<PreflightProbe> probes = new ArrayList<>();
        byConnection.forEach((name, needed) -> plan.connection(name).ifPresent(connection -> probes.add(
                new PreflightProbe("zone", name, plan.usersOf(name), () -> check(connection, needed)))));
        return probes;
    }

    private List<PreflightFinding> check(ResolvedConnection connection, Map<Needed, Set<String>> needed) {
        List<PreflightFinding> findings = new ArrayList<>();
        DnsSwitch zone = switches.open(connection);
        try {
            String origin = zone.zone().orElse(null);
            if (zone instanceof UpdateRights rights) {
                try {
                    findings.add(PreflightFinding.ok(rights.proveUpdateRights()).named("TSIG key accepted"));
                } catch (DnsException refused) {
                    findings.add(PreflightFinding.failed(refused.getMessage(), keyHint(connection))
                            .named("TSIG key accepted"));
                    return findings;
                }
            }
            if (origin != null) {
                try {
                    boolean soa = zone.read(new RecordKey(origin, "SOA")).isPresent();
                    findings.add(soa ? PreflightFinding.ok("zone " + origin + " answers its SOA").named("zone exists")
                            : PreflightFinding.failed("zone " + origin + " has no SOA on " + zone.describe(),
                            "check the zone: setting of '" + connection.name() + "' and that the server is its primary")
                            .named("zone exists"));
                } catch (DnsException failed) {
                    findings.add(PreflightFinding.failed(failed.getMessage(), "check the credentials and the zone of '"
                            + connection.name() + "'").named("zone exists"));
                    return findings;
                }
            }
            needed.forEach((record, steps) -> findings.add(record(zone, origin, record, steps)));
        } finally {
            zone.close();
        }
        return findings;
    }

    private static PreflightFinding record(DnsSwitch zone, String origin, Needed needed, Set<String> steps) {
        RecordKey key = new RecordKey(DnsNames.inZone(needed.record(), origin), needed.type());
        String check = "record " + key;
        try {
            return zone.read(key).map(set -> PreflightFinding.ok(key + " exists, TTL " + set.ttlSeconds() + " s")
                    .named(check)).orElseGet(() -> PreflightFinding.failed(key + " does not exist, but "
                    + String.join(", ", steps) + " need it", "check the step's record: and type:, or create the record")
                    .named(check));
        } catch (DnsException failed) {
            return PreflightFinding.failed(failed.getMessage(), "").named(check);
        }
    }

    private static String keyHint(ResolvedConnection connection) {
        String key = connection.setting("tsigKeyName").orElse("(none)");
        return "check tsigKeyName (" + key + "), tsigAlgorithm and tsigSecret of '" + connection.name()
                + "' against the key the DNS server has, and the server's update policy for that key";
    }
}
