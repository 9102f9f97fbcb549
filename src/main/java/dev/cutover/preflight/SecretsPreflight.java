package dev.cutover.preflight;

import dev.cutover.runbook.UnresolvableSecretException;
import dev.cutover.step.PreflightFinding;
import dev.cutover.step.PreflightPlan;
import dev.cutover.step.PreflightProbe;
import dev.cutover.step.ResolvedConnection;
import dev.cutover.step.StepArguments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every secret reference of the environment resolves: each connection's settings and each step's
 * {@code with:} values are read once, which resolves their references. A value is never shown:
 * a failure names the reference and why it does not resolve (variable not set, file missing).
 */
final class SecretsPreflight {

    static final String CHECK = "secrets resolve";

    private SecretsPreflight() {
    }

    static List<PreflightProbe> probes(PreflightPlan plan, Map<String, Map<String, Object>> writtenWith) {
        List<PreflightProbe> probes = new ArrayList<>();
        for (ResolvedConnection connection : plan.connections().values()) {
            probes.add(new PreflightProbe(CHECK, connection.name(), plan.usersOf(connection.name()),
                    () -> check(connection.settingNames().stream().map(name -> (Read) () -> connection.setting(name)).toList(),
                            "setting")));
        }
        for (PreflightPlan.PlannedStep step : plan.steps()) {
            Map<String, Object> with = writtenWith.getOrDefault(step.id(), Map.of());
            List<String> withReferences = with.keySet().stream().filter(key -> mentionsReference(with.get(key))).toList();
            if (!withReferences.isEmpty()) {
                probes.add(new PreflightProbe(CHECK, "step " + step.id(), List.of(step.id()),
                        () -> check(withReferences.stream().map(name -> read(step.with(), with.get(name), name)).toList(),
                                "with: value")));
            }
        }
        return probes;
    }

    @FunctionalInterface
    private interface Read {
        Object get();
    }

    private static Read read(StepArguments arguments, Object written, String name) {
        if (written instanceof List<?> items && items.stream().anyMatch(Map.class::isInstance)) {
            return () -> arguments.mappings(name);  // e.g. a metric-gate's queries
        }
        if (written instanceof List<?>) {
            return () -> arguments.list(name);
        }
        if (written instanceof Map<?, ?>) {
            return () -> arguments.map(name);
        }
        return () -> arguments.string(name);
    }

    private static boolean mentionsReference(Object value) {
        String text = String.valueOf(value);
        return text.contains("${env:") || text.contains("${file:");
    }

    private static List<PreflightFinding> check(List<Read> reads, String what) {
        List<PreflightFinding> findings = new ArrayList<>();
        for (Read read : reads) {
            try {
                read.get();
            } catch (UnresolvableSecretException unresolvable) {
                findings.add(PreflightFinding.failed(unresolvable.getMessage(), "make " + unresolvable.reference()
                        + " resolvable where the service runs: export the variable or create the file, "
                        + "readable by the service's user"));
            }
        }
        if (findings.isEmpty()) {
            findings.add(PreflightFinding.ok(reads.size() + " " + what + (reads.size() == 1 ? "" : "s")
                    + " read, every secret reference resolves (values not shown)"));
        }
        return findings;
    }
}
