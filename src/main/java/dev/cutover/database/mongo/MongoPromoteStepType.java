package dev.cutover.database.mongo;

import dev.cutover.database.WritePosition;
import dev.cutover.step.DurationText;
import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepStoppedException;
import dev.cutover.step.StepType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.springframework.stereotype.Component;

/**
 * {@code mongo-promote}: makes the target member (the AWS one) primary. Requires writes frozen on
 * the current primary (fsync-locked, or its write position standing still when a command froze
 * it) and the target caught up; refuses with the reason otherwise. Then: lifts the fsync lock,
 * because a locked mongod can neither store a new config nor step down (stepping down without
 * force still waits until the target has every write, so nothing accepted in between is lost);
 * raises the target's priority above all others; steps the old primary down; waits until the
 * target is a writable primary. Its rollback raises the old primary again, steps the target down,
 * and restores the original priorities recorded in the config's tags.
 */
@Component
class MongoPromoteStepType implements StepType {

    private static final Duration DEFAULT_CATCH_UP_WAIT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_FREEZE_WINDOW = Duration.ofSeconds(1);
    private static final int DEFAULT_STEP_DOWN_SECS = 60;

    @Override
    public String name() {
        return "mongo-promote";
    }

    @Override
    public String description() {
        return "Makes the target replica-set member primary (priority reconfig + replSetStepDown) once writes are frozen "
                + "and it has caught up; rollback hands the primary role back";
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(
                StepParameter.required("connection", Kind.CONNECTION, "the MongoDB replica set (a mongo connection)"),
                StepParameter.required("target", Kind.STRING, "the member (host:port as in the replica-set config) that becomes primary"),
                StepParameter.optional("catchUpWait", Kind.DURATION, "how long the target may take to reach the primary's "
                        + "last optime before promotion is refused (default 10s)"),
                StepParameter.optional("freezeWindow", Kind.DURATION, "without an fsync lock: how long the primary's write "
                        + "position must stand still to count as frozen (default 1s)"),
                StepParameter.optional("stepDownSecs", Kind.INTEGER, "how long a stepped-down primary stays ineligible (default 60)"));
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        StepArguments args = context.arguments();
        String target = args.requiredString("target");
        try (ReplicaSet replicaSet = ReplicaSet.open(context.connection(args.requiredString("connection")))) {
            return MongoFailures.translate(context, "promotion of " + target, () -> promote(replicaSet, target, context));
        }
    }

    private StepOutcome promote(ReplicaSet replicaSet, String target, StepContext context) throws Exception {
        StepArguments args = context.arguments();
        long started = System.nanoTime();
        ReplicaSetStatus before = ReplicaSetStatus.read(replicaSet);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("target", target);
        evidence.put("membersBefore", before.membersEvidence());
        evidence.put("note", ReplicaSetStatus.STALENESS);
        MemberStatus candidate = before.member(target).orElseThrow(() -> CatchUp.refusal(before, target
                + " is not a member of replica set " + before.setName()));
        if (candidate.isPrimary()) {
            return StepOutcome.succeeded(target + " is already primary of " + before.setName() + ": nothing to do", evidence);
        }
        MemberStatus primary = before.primary().orElseThrow(() -> CatchUp.refusal(before, "replica set "
                + before.setName() + " has no primary to hand over from"));
        CatchUp.checkElectable(before, candidate);
        Optional<String> earlier = PriorityReconfig.markedPrimary(before.config());
        if (earlier.isPresent() && !earlier.get().equalsIgnoreCase(primary.name())) {
            throw CatchUp.refusal(before, "the config still carries the marks of an earlier promotion away from "
                    + earlier.get() + ": roll that back (or retire the old members) first");
        }
        boolean locked = FsyncLock.isLocked(replicaSet, primary.name());
        evidence.put("frozenBy", locked ? "fsync-lock" : frozenByStillness(replicaSet, primary.name(), before, args, context));
        ReplicaSetStatus caughtUp = CatchUp.await(replicaSet, target, args.duration("catchUpWait").orElse(DEFAULT_CATCH_UP_WAIT));
        evidence.put("checksMs", Duration.ofNanos(System.nanoTime() - started).toMillis());
        evidence.put("targetOptime", String.valueOf(caughtUp.member(target).orElseThrow().optime()));
        evidence.put("primaryOptime", String.valueOf(caughtUp.primary().orElseThrow().optime()));
        if (locked) {
            evidence.put("fsyncUnlocksBeforeStepDown", FsyncLock.unlockFully(replicaSet, primary.name()));
        }
        Document config = PriorityReconfig.promote(caughtUp.config(), target, primary.name());
        int stepDownSecs = args.integer("stepDownSecs").map(Long::intValue).orElse(DEFAULT_STEP_DOWN_SECS);
        evidence.put("timingsMs", new HandOver(replicaSet, context, context.timeout())
                .run(primary.name(), target, config, stepDownSecs));
        ReplicaSetStatus after = ReplicaSetStatus.read(replicaSet, target);
        evidence.put("configVersion", after.configVersion());
        evidence.put("membersAfter", after.membersEvidence());
        // The old members stay in the set and replicate from the new primary: handing back loses no write.
        evidence.put(StepOutcome.LOSSLESS_ROLLBACK, true);
        return StepOutcome.succeeded(target + " is primary of " + after.setName() + " (was " + primary.name() + ") after "
                + DurationText.of(Duration.ofMillis(Duration.ofNanos(System.nanoTime() - started).toMillis())), evidence);
    }

    /** A freeze by command (iptables) leaves no trace in MongoDB: the oplog standing still is the proof. */
    private static String frozenByStillness(ReplicaSet replicaSet, String primary, ReplicaSetStatus status,
                                            StepArguments args, StepContext context) throws StepFailedException, StepStoppedException {
        Duration window = args.duration("freezeWindow").orElse(DEFAULT_FREEZE_WINDOW);
        WritePosition first = OplogPosition.of(replicaSet, primary);
        sleep(window);
        WritePosition second = OplogPosition.of(replicaSet, primary);
        if (!second.sameAs(first)) {
            throw CatchUp.refusal(status, "writes are not frozen on the primary " + primary + ": it is not fsync-locked and "
                    + "its last write moved from " + first.position() + " to " + second.position() + " within "
                    + DurationText.of(window) + "; run write-freeze first");
        }
        context.progress("primary " + primary + " wrote nothing for " + DurationText.of(window), second.detail());
        return "write position still for " + DurationText.of(window) + " at " + second.position();
    }

    @Override
    public StepOutcome verify(StepContext context, StepOutcome executed) throws Exception {
        String target = context.arguments().requiredString("target");
        try (ReplicaSet replicaSet = ReplicaSet.open(context.connection(context.arguments().requiredString("connection")))) {
            return MongoFailures.translate(context, "checking that " + target + " is primary", () -> {
                if (!replicaSet.hello(target).getBoolean("isWritablePrimary", false)) {
                    throw new StepFailedException(target + " is not a writable primary after the promotion", executed.evidence());
                }
                return executed;
            });
        }
    }

    @Override
    public StepOutcome rollback(StepContext context) throws Exception {
        StepArguments args = context.arguments();
        try (ReplicaSet replicaSet = ReplicaSet.open(context.connection(args.requiredString("connection")))) {
            return MongoFailures.translate(context, "handing the primary role back", () -> handBack(replicaSet, context));
        }
    }

    private StepOutcome handBack(ReplicaSet replicaSet, StepContext context) throws Exception {
        ReplicaSetStatus before = ReplicaSetStatus.read(replicaSet);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("membersBefore", before.membersEvidence());
        Optional<String> original = PriorityReconfig.markedPrimary(before.config());
        if (original.isEmpty()) {
            return StepOutcome.succeeded("the config of " + before.setName() + " carries no promotion marks: nothing to hand "
                    + "back (the promotion never reconfigured, or this rollback already ran)", evidence);
        }
        String originalPrimary = original.get();
        evidence.put("originalPrimary", originalPrimary);
        String current = before.primary().map(MemberStatus::name).orElseThrow(() -> CatchUp.refusal(before,
                "replica set " + before.setName() + " has no primary to hand back from"));
        if (!current.equalsIgnoreCase(originalPrimary)) {
            ReplicaSetStatus caughtUp = CatchUp.await(replicaSet, originalPrimary,
                    context.arguments().duration("catchUpWait").orElse(DEFAULT_CATCH_UP_WAIT));
            int stepDownSecs = context.arguments().integer("stepDownSecs").map(Long::intValue).orElse(DEFAULT_STEP_DOWN_SECS);
            evidence.put("timingsMs", new HandOver(replicaSet, context, context.timeout())
                    .run(current, originalPrimary, PriorityReconfig.raise(caughtUp.config(), originalPrimary), stepDownSecs));
        }
        // Only now that the original primary leads again can the target's priority drop back without a takeover race.
        ReplicaSetStatus handedBack = ReplicaSetStatus.read(replicaSet, originalPrimary);
        new HandOver(replicaSet, context, context.timeout()).reconfigure(originalPrimary, PriorityReconfig.restore(handedBack.config()));
        new HandOver(replicaSet, context, context.timeout()).awaitWritablePrimary(originalPrimary);
        ReplicaSetStatus after = ReplicaSetStatus.read(replicaSet, originalPrimary);
        evidence.put("configVersion", after.configVersion());
        evidence.put("membersAfter", after.membersEvidence());
        return StepOutcome.succeeded(originalPrimary + " is primary of " + after.setName() + " again (was " + current
                + "); original priorities restored", evidence);
    }

    @Override
    public boolean hasOwnRollback() {
        return true;
    }

    private static void sleep(Duration window) throws StepStoppedException {
        try {
            Thread.sleep(window.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepStoppedException("interrupted while watching the write position");
        }
    }
}
