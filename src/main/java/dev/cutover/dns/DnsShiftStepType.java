package dev.cutover.dns;

import dev.cutover.step.MetricGuard;
import dev.cutover.step.StepArgumentProblem;
import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * {@code dns-shift}: moves traffic from one target to another through Route 53 weighted record
 * sets, in steps ({@code [10, 50, 100]} percent on {@code to}), each held for {@code hold:} and
 * optionally guarded by metric queries judged as {@code metric-gate} judges them ({@link MetricGuard}).
 * A guard that fails puts the original record sets back at once and fails the step; the inverse
 * restores the original exactly. RFC 2136 has no weights: validation refuses it with a pointer to
 * {@code dns-switch}.
 */
@Component
class DnsShiftStepType implements StepType {

    static final String GUARD = "guard";

    private final ReversibleRecordChange changes;
    private final SavedShiftOriginals originals;
    private final MetricGuard guard;

    DnsShiftStepType(ReversibleRecordChange changes, SavedShiftOriginals originals, MetricGuard guard) {
        this.changes = changes;
        this.originals = originals;
        this.guard = guard;
    }

    @Override
    public String name() {
        return "dns-shift";
    }

    @Override
    public String description() {
        return "Moves traffic between two Route 53 weighted record sets in steps (e.g. 10, 50, 100 percent), each held "
                + "and optionally guarded by metric queries; a failing guard puts the original records back at once; "
                + "rollback restores the saved original exactly";
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(
                StepParameter.connectionOf("connection", true, "dns-shift needs Route 53 weighted record sets; an "
                        + "rfc2136 zone has no weights, so use dns-switch there", "route53"),
                StepParameter.required("record", Kind.STRING, "the record's name, absolute (shop.example.com.) or "
                        + "relative to the connection's zone (shop)"),
                StepParameter.oneOf("type", true, "the record type of both targets", "A", "AAAA", "CNAME"),
                StepParameter.required("from", Kind.STRING, "set identifier of the target traffic leaves, e.g. gcp"),
                StepParameter.optional("fromValues", Kind.LIST, "its values (default: those of the record as found), "
                        + "e.g. [shop-lb.gcp.example.]"),
                StepParameter.required("to", Kind.STRING, "set identifier of the target traffic moves to, e.g. aws"),
                StepParameter.required("toValues", Kind.LIST, "its values, e.g. [shop-alb.aws.example.]"),
                StepParameter.required("steps", Kind.LIST, "percent of the traffic on 'to' after each step, e.g. [10, 50, 100]"),
                StepParameter.required("hold", Kind.DURATION, "how long each step is held (and guarded) before the next, e.g. 5m"),
                StepParameter.optional("ttl", Kind.DURATION, "TTL of both weighted sets (default: the TTL of the record as found)"),
                StepParameter.connectionOf(GUARD, false, "the guard's metrics source, a prometheus connection; its "
                        + "queries are evaluated while each step holds, as a metric-gate evaluates them", "prometheus"),
                StepParameter.optional("interval", Kind.DURATION, "the guard's time between evaluations (default 15s)"),
                StepParameter.oneOf("noData", false, "what a guard query without data means (default hold)",
                        "hold", "fail", "pass"),
                StepParameter.optional("queries", Kind.MAPPINGS, "the guard's queries, each { name, query, pass, failWhen, unit }, "
                        + "as in metric-gate"));
    }

    @Override
    public List<StepArgumentProblem> validate(StepArguments with, Duration stepTimeout) {
        List<StepArgumentProblem> problems = new ArrayList<>(ShiftPlan.problems(with, stepTimeout));
        if (with.string(GUARD).isPresent()) {
            problems.addAll(guard.problems(with, GUARD));
        }
        return problems;
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        ShiftPlan plan;
        try {
            plan = ShiftPlan.of(context.arguments());
        } catch (IllegalArgumentException e) {
            throw new StepFailedException(context.redact(e.getMessage()));
        }
        try (ReversibleRecordChange.Target target = changes.open(context)) {
            WeightedRecords weighted = weighted(context, target);
            MetricGuard.Watch watch = plan.guard().isPresent() ? guard.watch(context, GUARD) : null;
            try {
                return ReversibleRecordChange.dns(context,
                        () -> new WeightShift(context, plan, target, weighted, originals, watch).run());
            } finally {
                if (watch != null) {
                    watch.close();
                }
            }
        }
    }

    @Override
    public StepOutcome verify(StepContext context, StepOutcome executed) throws Exception {
        ShiftPlan plan = ShiftPlan.of(context.arguments());
        int last = plan.percents().get(plan.percents().size() - 1);
        try (ReversibleRecordChange.Target target = changes.open(context)) {
            WeightedRecords weighted = weighted(context, target);
            return ReversibleRecordChange.dns(context, () -> {
                List<RoutedRecordSet> now = weighted.readAll(new RecordKey(target.name(context), plan.type()));
                long fromWeight = weightOf(now, plan.from());
                long toWeight = weightOf(now, plan.to());
                if (fromWeight != ShiftPlan.fromWeight(last) || toWeight != last) {
                    throw new StepFailedException(context.redact("after the shift Route 53 holds " + describe(now)
                            + ", expected weights " + plan.from() + " " + ShiftPlan.fromWeight(last) + " / " + plan.to()
                            + " " + last), executed.evidence());
                }
                return StepOutcome.succeeded(executed.summary() + "; Route 53 lists those weights", executed.evidence());
            });
        }
    }

    @Override
    public StepOutcome rollback(StepContext context) throws Exception {
        var saved = originals.find(context.cutoverId(), context.stepId());
        if (saved.isEmpty()) {
            return StepOutcome.succeeded("nothing to restore: step " + context.stepId() + " saved no original, so it "
                    + "changed nothing");
        }
        try (ReversibleRecordChange.Target target = changes.open(context)) {
            WeightedRecords weighted = weighted(context, target);
            return ReversibleRecordChange.dns(context, () -> WeightShift.restore(context, weighted, saved.get(), "rollback"));
        }
    }

    @Override
    public boolean hasOwnRollback() {
        return true;
    }

    private static WeightedRecords weighted(StepContext context, ReversibleRecordChange.Target target)
            throws StepFailedException {
        return target.dns().weighted().orElseThrow(() -> new StepFailedException(context.redact("connection '"
                + target.connection() + "' (" + target.dns().describe() + ") has no weighted records: dns-shift needs "
                + "Route 53; use dns-switch to point the record at the new target in one change")));
    }

    static long weightOf(List<RoutedRecordSet> sets, String setIdentifier) {
        return sets.stream().filter(set -> setIdentifier.equals(set.setIdentifier())).findFirst()
                .map(RoutedRecordSet::weight).orElse(-1L);
    }

    static String describe(List<RoutedRecordSet> sets) {
        return sets.isEmpty() ? "no record" : String.join("; ", sets.stream().map(RoutedRecordSet::describe).toList());
    }

    static boolean sameSets(List<RoutedRecordSet> a, List<RoutedRecordSet> b) {
        return a.size() == b.size() && new HashSet<>(a).equals(new HashSet<>(b));
    }
}
