package dev.cutover.database.mongo;

import dev.cutover.step.StepArgumentProblem;
import com.mongodb.MongoException;
import dev.cutover.database.ReplicationLagGauges;
import dev.cutover.step.SampledGate;
import dev.cutover.step.SampledGate.Sample;
import dev.cutover.step.SampledGate.Verdict;
import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code mongo-lag-gate}: waits until every target member is within {@code maxLag} of the primary
 * for {@code consecutive} samples in a row; an unhealthy or non-secondary target fails it at once
 * (see {@link LagCheck}). Every sample also sets the lag gauge of every data-bearing member.
 */
@Component
class MongoLagGateStepType implements StepType {

    /** Changes nothing outside: after its instance died it may simply run again from the start. */
    @Override
    public boolean resumable() {
        return true;
    }

    static final String ENGINE = "mongo";

    private final ReplicationLagGauges gauges;

    MongoLagGateStepType(ReplicationLagGauges gauges) {
        this.gauges = gauges;
    }

    @Override
    public String name() {
        return "mongo-lag-gate";
    }

    @Override
    public String description() {
        return "Waits until every target replica-set member is within maxLag of the primary (optimeDate) for N samples "
                + "in a row; fails at once on an unhealthy or non-secondary target";
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(
                StepParameter.required("connection", Kind.CONNECTION, "the MongoDB replica set (a mongo connection)"),
                TargetMembers.MEMBERS,
                TargetMembers.TAG,
                StepParameter.required("maxLag", Kind.DURATION, "largest acceptable lag of each target, e.g. 5s "
                        + "(optimeDate has one-second resolution)"),
                StepParameter.optional("consecutive", Kind.INTEGER, "samples in a row within maxLag before the gate opens (default 3)"),
                StepParameter.optional("interval", Kind.DURATION, "time between samples (default 5s)"));
    }

    @Override
    public List<StepArgumentProblem> validate(StepArguments with, Duration stepTimeout) {
        return SampledGate.validate(with);
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        StepArguments args = context.arguments();
        TargetMembers targets = TargetMembers.from(args);
        Duration maxLag = args.duration("maxLag").orElseThrow();
        int consecutive = args.integer("consecutive").map(Long::intValue).orElse(3);
        Duration interval = args.duration("interval").orElse(Duration.ofSeconds(5));
        try (ReplicaSet replicaSet = ReplicaSet.open(context.connection(args.requiredString("connection")))) {
            SampledGate gate = new SampledGate("lag of " + targets.describe() + " in " + replicaSet.name(), consecutive, interval);
            return gate.await(context, () -> sample(replicaSet, targets, maxLag, context));
        }
    }

    private Sample sample(ReplicaSet replicaSet, TargetMembers targets, Duration maxLag, StepContext context)
            throws StepFailedException {
        ReplicaSetStatus status;
        try {
            status = ReplicaSetStatus.read(replicaSet);
        } catch (MongoException e) {
            // One failed read is not a broken replica set: the member may be mid-election; the timeout bounds it.
            return new Sample(Verdict.OUTSIDE, context.redact("status unreadable: " + e.getMessage()), Map.of());
        }
        List<MemberStatus> selected = targets.select(status);
        record(replicaSet.name(), status);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("primary", status.primaryName());
        figures.put("maxLagSeconds", maxLag.toMillis() / 1000.0);
        figures.put("members", status.membersEvidence());
        figures.put("note", ReplicaSetStatus.STALENESS);
        LagCheck check = LagCheck.of(status, selected, maxLag);
        return new Sample(check.verdict(), check.summary(), figures, check.charted());
    }

    private void record(String connection, ReplicaSetStatus status) {
        for (MemberStatus member : status.members()) {
            if (!"ARBITER".equals(member.stateStr())) { // an arbiter holds no data, so it has no lag
                gauges.record(ENGINE, connection, member.name(), status.lagSeconds(member));
            }
        }
    }

}
