package dev.cutover.database.mongo;

import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code mongo-retire-members}: removes the old cloud's members from the replica set once the
 * target is primary: the point of no return. One member per reconfig, because MongoDB 4.4+ accepts
 * at most one voting member added or removed per (non-forced) reconfig. Its rollback refuses: a
 * removed member comes back only by {@code rs.add} and a full initial sync from the new primary,
 * which is an operator's decision, not an automatic undo. Put it in a phase marked
 * {@code pointOfNoReturn: true}.
 */
@Component
class MongoRetireMembersStepType implements StepType {

    @Override
    public String name() {
        return "mongo-retire-members";
    }

    @Override
    public String description() {
        return "Removes the old cloud's members from the replica set after promotion: the point of no return, "
                + "its rollback refuses";
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(
                StepParameter.required("connection", Kind.CONNECTION, "the MongoDB replica set (a mongo connection)"),
                StepParameter.optional("members", Kind.LIST, "members to remove by host:port, e.g. [gcp-1.internal:27017]"),
                StepParameter.optional("tag", Kind.MAP, "members to remove by replica-set tag instead, e.g. { cloud: gcp }"));
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        StepArguments args = context.arguments();
        TargetMembers retiring = TargetMembers.from(args);
        try (ReplicaSet replicaSet = ReplicaSet.open(context.connection(args.requiredString("connection")))) {
            return MongoFailures.translate(context, "retiring " + retiring.describe(), () -> retire(replicaSet, retiring, context));
        }
    }

    private StepOutcome retire(ReplicaSet replicaSet, TargetMembers retiring, StepContext context) throws Exception {
        ReplicaSetStatus before = ReplicaSetStatus.read(replicaSet);
        List<MemberStatus> leaving = retiring.select(before);
        for (MemberStatus member : leaving) {
            if (member.isPrimary()) {
                throw CatchUp.refusal(before, member.name() + " is the primary: promote the target with mongo-promote first");
            }
        }
        if (leaving.size() == before.members().size()) {
            throw CatchUp.refusal(before, "that would remove every member of " + before.setName());
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("membersBefore", before.membersEvidence());
        List<String> removed = new ArrayList<>();
        HandOver reconfig = new HandOver(replicaSet, context, context.timeout());
        for (MemberStatus member : leaving) {
            String primary = replicaSet.requirePrimary();
            ReplicaSetStatus current = ReplicaSetStatus.read(replicaSet, primary);
            reconfig.reconfigure(primary, PriorityReconfig.without(current.config(), member.name()));
            removed.add(member.name());
            context.progress("removed " + member.name() + " from " + current.setName(), Map.of("removed", List.copyOf(removed)));
        }
        ReplicaSetStatus after = ReplicaSetStatus.read(replicaSet);
        evidence.put("removed", removed);
        evidence.put("configVersion", after.configVersion());
        evidence.put("membersAfter", after.membersEvidence());
        evidence.put(StepOutcome.LOSSLESS_ROLLBACK, false);
        evidence.put(StepOutcome.ROLLBACK_WOULD_LOSE, "every write made on " + after.primaryName() + " from now on: "
                + String.join(", ", removed) + " no longer replicate from it");
        return StepOutcome.succeeded("removed " + String.join(", ", removed) + " from " + after.setName()
                + "; the promotion can no longer be rolled back automatically", evidence);
    }

    @Override
    public StepOutcome rollback(StepContext context) throws Exception {
        StepArguments args = context.arguments();
        String which = TargetMembers.from(args).describe();
        throw new StepFailedException("mongo-retire-members is the point of no return: " + which + " left the replica set "
                + "and cannot rejoin with their old data. To serve from the old cloud again, re-add them by hand (rs.add), "
                + "let them finish an initial sync from the current primary, then promote one of them", Map.of("members", which));
    }

    @Override
    public boolean hasOwnRollback() {
        return true;
    }
}
