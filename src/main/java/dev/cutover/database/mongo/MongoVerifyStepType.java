package dev.cutover.database.mongo;

import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepType;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * {@code mongo-verify}: compares two members collection by collection, document counts and
 * {@code dbHash} digests, and fails listing every collection that differs. Meant for after the
 * freeze (or after promotion, before writes resume): while writes flow, the two members are
 * legitimately apart. Both members are asked directly, so it works whichever of them is primary.
 */
@Component
class MongoVerifyStepType implements StepType {

    /** Changes nothing outside: after its instance died it may simply run again from the start. */
    @Override
    public boolean resumable() {
        return true;
    }

    /** Enough to act on; the counts say how many more there are. */
    private static final int MISMATCHES_SHOWN = 100;

    @Override
    public String name() {
        return "mongo-verify";
    }

    @Override
    public String description() {
        return "Compares document counts and dbHash digests per collection between the old primary and the target "
                + "member; fails listing every collection that differs";
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(
                StepParameter.required("connection", Kind.CONNECTION, "the MongoDB replica set (a mongo connection)"),
                StepParameter.required("source", Kind.STRING, "the old primary, host:port as in the replica-set config"),
                StepParameter.required("target", Kind.STRING, "the member compared with it (the promoted one), host:port"),
                StepParameter.optional("databases", Kind.LIST, "databases to compare (default: all but admin, local and config)"),
                StepParameter.optional("countsOnly", Kind.BOOLEAN, "compare counts only, for servers that refuse dbHash "
                        + "(default false: a missing hash fails the check)"));
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        StepArguments args = context.arguments();
        String source = args.requiredString("source");
        String target = args.requiredString("target");
        boolean withHashes = !args.bool("countsOnly").orElse(false);
        // dbHash reads every document: give it the step's whole timeout rather than the default read timeout.
        try (ReplicaSet replicaSet = ReplicaSet.open(context.connection(args.requiredString("connection")),
                context.timeout().plus(ReplicaSet.DEFAULT_READ_TIMEOUT))) {
            return MongoFailures.translate(context, "comparing " + source + " with " + target, () -> {
                List<String> databases = args.list("databases");
                if (databases.isEmpty()) {
                    Set<String> both = new LinkedHashSet<>(MemberContents.databases(replicaSet, source));
                    both.addAll(MemberContents.databases(replicaSet, target));
                    databases = List.copyOf(both);
                }
                MemberContents sourceContents = MemberContents.read(replicaSet, source, databases, withHashes);
                MemberContents targetContents = MemberContents.read(replicaSet, target, databases, withHashes);
                return outcome(source, target, databases, withHashes, sourceContents, targetContents);
            });
        }
    }

    private static StepOutcome outcome(String source, String target, List<String> databases, boolean withHashes,
                                       MemberContents sourceContents, MemberContents targetContents) throws StepFailedException {
        List<CollectionCheck> checks = MemberContents.compare(sourceContents, targetContents, withHashes);
        List<CollectionCheck> mismatches = checks.stream().filter(check -> !check.matches()).toList();
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("source", source);
        evidence.put("target", target);
        evidence.put("databases", databases);
        evidence.put("compared", withHashes ? "document counts and dbHash digests" : "document counts only");
        evidence.put("sourceTotals", sourceContents.summary());
        evidence.put("targetTotals", targetContents.summary());
        evidence.put("collectionsCompared", checks.size());
        evidence.put("mismatchCount", mismatches.size());
        evidence.put("mismatches", mismatches.stream().limit(MISMATCHES_SHOWN).map(CollectionCheck::evidence).toList());
        if (!mismatches.isEmpty()) {
            throw new StepFailedException(mismatches.size() + " of " + checks.size() + " collections differ between " + source
                    + " and " + target + ": " + String.join(", ", mismatches.stream().limit(10)
                    .map(check -> check.database() + "." + check.collection() + " (" + check.reason() + ")").toList()), evidence);
        }
        return StepOutcome.succeeded(checks.size() + " collections in " + databases.size() + " database(s) match between "
                + source + " and " + target + " (" + evidence.get("compared") + ")", evidence);
    }
}
