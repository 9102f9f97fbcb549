package dev.cutover.dns;

import dev.cutover.step.ResolvedConnection;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepStoppedException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What {@code dns-ttl} and {@code dns-switch} share: opening the connection's switch, saving the
 * original before the first change, applying a change until it is in sync, proving it by resolving,
 * and the common inverse (restore the saved original). Provider errors become step failures whose
 * messages went through {@link StepContext#redact}, so TSIG secrets and AWS keys never reach the log.
 */
@Component
class ReversibleRecordChange {

    private final DnsSwitches switches;
    private final SavedOriginals originals;

    ReversibleRecordChange(DnsSwitches switches, SavedOriginals originals) {
        this.switches = switches;
        this.originals = originals;
    }

    /** An open switch to the connection named by the step's {@code connection} parameter. */
    record Target(String connection, DnsSwitch dns) implements AutoCloseable {

        /** The step's {@code record} parameter as an absolute name in the switch's zone. */
        String name(StepContext context) {
            return DnsNames.inZone(context.arguments().requiredString("record"), dns.zone().orElse(null));
        }

        @Override
        public void close() {
            dns.close();
        }
    }

    /** What one step type does to a name: which record sets it touches and what they must be afterwards. */
    interface Plan {

        /** Every record set the step touches at {@code name} (absolute). */
        List<RecordKey> keys(String name);

        /** What each touched record set must be after the step (empty: deleted), given the original. */
        Map<RecordKey, Optional<RecordSet>> expected(String name, SavedOriginal original) throws StepFailedException;

        /** Extra evidence once the change is in sync. */
        default Map<String, Object> notes(SavedOriginal original) {
            return Map.of();
        }
    }

    Target open(StepContext context) throws StepFailedException {
        String connectionName = context.arguments().requiredString("connection");
        try {
            ResolvedConnection connection = context.connection(connectionName);
            return new Target(connectionName, switches.open(connection));
        } catch (RuntimeException e) {
            throw new StepFailedException(context.redact("cannot open DNS connection '" + connectionName + "': "
                    + e.getMessage()), Map.of("connection", connectionName));
        }
    }

    Map<RecordKey, Optional<RecordSet>> read(Target target, List<RecordKey> keys) {
        Map<RecordKey, Optional<RecordSet>> current = new LinkedHashMap<>();
        keys.forEach(key -> current.put(key, target.dns().read(key)));
        return current;
    }

    /** Saves what is there now as the step's original, unless an earlier attempt saved one already. */
    SavedOriginal saveOriginal(StepContext context, Target target, Map<RecordKey, Optional<RecordSet>> current) {
        SavedOriginal now = new SavedOriginal(target.connection(), List.copyOf(current.keySet()),
                current.values().stream().flatMap(Optional::stream).toList(), Instant.now());
        return originals.saveUnlessSaved(context.cutoverId(), context.stepId(), now);
    }

    /**
     * Reads the record sets, saves the original, applies the plan's change unless everything is as
     * expected already, and returns the evidence: original, before, change, after, receipt.
     */
    StepOutcome change(StepContext context, Plan plan, String summary) throws Exception {
        try (Target target = open(context)) {
            return dns(context, () -> {
                String name = target.name(context);
                Map<RecordKey, Optional<RecordSet>> before = read(target, plan.keys(name));
                SavedOriginal original = saveOriginal(context, target, before);
                Map<RecordKey, Optional<RecordSet>> expected = plan.expected(name, original);
                RecordChange change = changeTo(before, expected);
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("provider", target.dns().describe());
                evidence.put("original", original.evidence());
                evidence.put("before", evidence(before));
                evidence.put("change", change.describe());
                evidence.putAll(plan.notes(original));
                if (change.isEmpty()) {
                    evidence.put("after", evidence(expected));
                    return StepOutcome.succeeded(summary + ": already so, nothing changed", evidence);
                }
                context.progress("applying " + change.describe() + " and waiting until it is in sync", Map.of());
                ChangeReceipt receipt;
                try {
                    receipt = target.dns().apply(change, wait(context));
                } catch (DnsException e) {
                    if (e.stopped() || !(e.getCause() instanceof java.io.IOException)) {
                        throw e;
                    }
                    // No answer: the update may have been applied before the server went away. Say so, rather
                    // than let "failed" read as "nothing changed".
                    throw new DnsException(e.getMessage() + "; the record's state is unknown until the server "
                            + "answers again (the update may have been applied); the original is saved, and this "
                            + "step's rollback restores it", e);
                }
                evidence.put("after", evidence(expected));
                evidence.putAll(receipt.evidence());
                return StepOutcome.succeeded(summary + " (in sync after " + receipt.waitedMillis() + " ms, change "
                        + receipt.changeId() + ")", evidence);
            });
        }
    }

    /** Resolves every expected record set from the authoritative side; fails naming the first difference. */
    StepOutcome verify(StepContext context, StepOutcome executed, Plan plan) throws Exception {
        try (Target target = open(context)) {
            return dns(context, () -> {
                SavedOriginal original = originals.find(context.cutoverId(), context.stepId()).orElseThrow(() ->
                        new StepFailedException("no saved original for step " + context.stepId()));
                Map<String, Object> evidence = new LinkedHashMap<>(executed.evidence());
                evidence.put("resolved", resolveExpected(context, target,
                        plan.expected(target.name(context), original), evidence));
                return StepOutcome.succeeded(executed.summary() + "; resolving confirms it", evidence);
            });
        }
    }

    /** The inverse of both types: put back exactly the saved original, then prove it by resolving. */
    StepOutcome restore(StepContext context) throws Exception {
        Optional<SavedOriginal> saved = originals.find(context.cutoverId(), context.stepId());
        if (saved.isEmpty()) {
            // The original is saved before any change: without one this step never changed anything.
            return StepOutcome.succeeded("nothing to restore: step " + context.stepId() + " saved no original, so it "
                    + "changed nothing");
        }
        SavedOriginal original = saved.get();
        try (Target target = open(context)) {
            return dns(context, () -> {
                Map<RecordKey, Optional<RecordSet>> before = read(target, original.keys());
                RecordChange change = original.restoreFrom(before);
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("provider", target.dns().describe());
                evidence.put("original", original.evidence());
                evidence.put("before", evidence(before));
                evidence.put("change", change.describe());
                if (!change.isEmpty()) {
                    context.progress("restoring " + original.describe(), Map.of());
                    evidence.putAll(target.dns().apply(change, wait(context)).evidence());
                }
                Map<RecordKey, Optional<RecordSet>> expected = new LinkedHashMap<>();
                original.keys().forEach(key -> expected.put(key, original.original(key)));
                evidence.put("resolved", resolveExpected(context, target, expected, evidence));
                return StepOutcome.succeeded("restored " + original.describe()
                        + (change.isEmpty() ? " (it was already so)" : ""), evidence);
            });
        }
    }

    private Object resolveExpected(StepContext context, Target target, Map<RecordKey, Optional<RecordSet>> expected,
                                   Map<String, Object> evidence) throws StepFailedException {
        Map<RecordKey, Optional<RecordSet>> resolved = new LinkedHashMap<>();
        for (Map.Entry<RecordKey, Optional<RecordSet>> entry : expected.entrySet()) {
            Optional<RecordSet> answer = target.dns().resolve(entry.getKey());
            resolved.put(entry.getKey(), answer);
            if (!answer.equals(entry.getValue())) {
                evidence.put("resolved", evidence(resolved));
                throw new StepFailedException(context.redact("resolving " + entry.getKey() + " from "
                        + target.dns().describe() + " gives " + answer.map(RecordSet::describe).orElse("no record")
                        + ", expected " + entry.getValue().map(RecordSet::describe).orElse("no record")), evidence);
            }
        }
        return evidence(resolved);
    }

    private static RecordChange changeTo(Map<RecordKey, Optional<RecordSet>> current,
                                         Map<RecordKey, Optional<RecordSet>> expected) {
        List<RecordSet> deletions = expected.entrySet().stream().filter(e -> e.getValue().isEmpty())
                .map(e -> current.getOrDefault(e.getKey(), Optional.empty())).flatMap(Optional::stream).toList();
        List<RecordSet> upserts = expected.entrySet().stream().filter(e -> e.getValue().isPresent())
                .filter(e -> !e.getValue().equals(current.getOrDefault(e.getKey(), Optional.empty())))
                .map(e -> e.getValue().get()).toList();
        return new RecordChange(deletions, upserts);
    }

    private static InSyncWait wait(StepContext context) {
        return new InSyncWait(context.timeout(), context::stopRequested);
    }

    private static List<Object> evidence(Map<RecordKey, Optional<RecordSet>> sets) {
        return sets.entrySet().stream().map(entry -> (Object) entry.getValue().map(RecordSet::evidence)
                .orElseGet(() -> Map.of("name", entry.getKey().name(), "type", entry.getKey().type(), "absent", true)))
                .toList();
    }

    /** Runs DNS work, turning provider errors into step failures (or stops) with redacted messages. */
    static StepOutcome dns(StepContext context, DnsWork work) throws Exception {
        String connection = context.arguments().string("connection").orElse("?");
        try {
            return work.run();
        } catch (DnsException e) {
            if (e.stopped()) {
                throw new StepStoppedException(context.redact(e.getMessage()));
            }
            // Named: several DNS connections may point at servers that look alike on cutover night.
            throw new StepFailedException(context.redact("DNS connection '" + connection + "': " + e.getMessage()),
                    Map.of("connection", connection));
        } catch (IllegalArgumentException e) {
            throw new StepFailedException(context.redact(e.getMessage()), Map.of());
        }
    }

    @FunctionalInterface
    interface DnsWork {
        StepOutcome run() throws Exception;
    }
}
