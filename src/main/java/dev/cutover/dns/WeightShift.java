package dev.cutover.dns;

import dev.cutover.step.DurationText;
import dev.cutover.step.MetricGuard;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StopAwareSleep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run of a {@code dns-shift}: save the original record sets, then for each step set both
 * weights in one change, wait until it is in sync, and hold it while the guard (if any) samples.
 * During a hold only a failing sample stops the shift (its {@code failWhen}, or no data with
 * {@code noData: fail}); the next step starts only once a sample at or after the end of the hold
 * meets every {@code pass} condition, so a hold may last longer than {@code hold:} while a query
 * misses its pass or has no data, up to the step's timeout.
 */
final class WeightShift {

    private final StepContext context;
    private final ShiftPlan plan;
    private final ReversibleRecordChange.Target target;
    private final WeightedRecords weighted;
    private final SavedShiftOriginals originals;
    private final MetricGuard.Watch watch;
    private final long deadline;
    private final List<Map<String, Object>> steps = new ArrayList<>();

    WeightShift(StepContext context, ShiftPlan plan, ReversibleRecordChange.Target target, WeightedRecords weighted,
                SavedShiftOriginals originals, MetricGuard.Watch watch) {
        this.context = context;
        this.plan = plan;
        this.target = target;
        this.weighted = weighted;
        this.originals = originals;
        this.watch = watch;
        this.deadline = System.nanoTime() + context.timeout().toNanos();
    }

    StepOutcome run() throws Exception {
        RecordKey key = new RecordKey(target.name(context), plan.type());
        List<RoutedRecordSet> before = weighted.readAll(key);
        Optional<SavedShiftOriginal> earlier = originals.find(context.cutoverId(), context.stepId());
        if (before.isEmpty() && earlier.isEmpty()) {
            throw new StepFailedException(context.redact("there is no " + key + " in " + target.dns().describe()
                    + " to shift traffic from; dns-shift moves an existing record (use dns-switch to create one)"));
        }
        SavedShiftOriginal original = earlier.orElseGet(() -> originals.saveUnlessSaved(context.cutoverId(),
                context.stepId(), new SavedShiftOriginal(target.connection(), key, before, Instant.now())));
        RecordSet fromSet = new RecordSet(key.name(), key.type(), ttl(original), fromValues(original));
        RecordSet toSet = new RecordSet(key.name(), key.type(), ttl(original), plan.toValues());
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("provider", target.dns().describe());
        evidence.put("original", original.evidence());
        evidence.put("steps", steps);
        for (int i = 0; i < plan.percents().size(); i++) {
            int percent = plan.percents().get(i);
            List<RoutedRecordSet> now = weighted.readAll(key);
            List<RoutedRecordSet> wanted = List.of(
                    RoutedRecordSet.weighted(fromSet, plan.from(), ShiftPlan.fromWeight(percent)),
                    RoutedRecordSet.weighted(toSet, plan.to(), percent));
            List<RoutedRecordSet> deletions = now.stream().filter(set -> !set.isWeighted()).toList();
            List<RoutedRecordSet> upserts = wanted.stream().filter(set -> !now.contains(set)).toList();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("step", i + 1);
            row.put("percent", percent);
            row.put("weights", Map.of(plan.from(), ShiftPlan.fromWeight(percent), plan.to(), (long) percent));
            if (!deletions.isEmpty() || !upserts.isEmpty()) {
                context.progress("step " + (i + 1) + " of " + plan.percents().size() + ": setting " + weights(percent)
                        + " and waiting until it is in sync", Map.of("percent", percent));
                ChangeReceipt receipt = weighted.apply(deletions, upserts, inSyncWait());
                row.putAll(receipt.evidence());
            } else {
                row.put("change", "none: the weights were so already");
            }
            row.put("at", Instant.now().toString());
            steps.add(row);
            hold(i + 1, percent, original, evidence, row);
        }
        int last = plan.percents().get(plan.percents().size() - 1);
        return StepOutcome.succeeded(context.redact("shifted " + key + " to " + plan.to() + " in "
                + plan.percents().size() + " steps: " + weights(last)), evidence);
    }

    /** Holds one step; with a guard, samples every interval and puts the original back when it fails. */
    private void hold(int step, int percent, SavedShiftOriginal original, Map<String, Object> evidence,
                      Map<String, Object> row) throws Exception {
        long started = System.nanoTime();
        long holdEnd = started + plan.hold().toNanos();
        String of = " of " + DurationText.of(plan.hold());
        if (watch == null) {
            context.progress(weights(percent) + ", holding " + DurationText.of(plan.hold()), Map.of("percent", percent));
            StopAwareSleep.until(holdEnd, context, "holding " + weights(percent));
            row.put("heldMs", Duration.ofNanos(System.nanoTime() - started).toMillis());
            return;
        }
        while (true) {
            long sampledAt = System.nanoTime();
            MetricGuard.Sample sample = watch.sample();
            long heldMs = Duration.ofNanos(sampledAt - started).toMillis();
            boolean holdOver = sampledAt >= holdEnd;
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("percent", percent);
            figures.put("heldMs", heldMs);
            figures.put("holdMs", plan.hold().toMillis());
            figures.put("verdict", sample.evidence().get("verdict"));
            figures.put("values", sample.values());
            context.progress(weights(percent) + ", held " + DurationText.of(Duration.ofMillis(heldMs)) + of + ", "
                    + sample.summary() + (holdOver && sample.verdict() == MetricGuard.Verdict.HOLDING
                    ? " — hold over, waiting until every pass condition holds" : ""), figures);
            if (sample.verdict() == MetricGuard.Verdict.FAILING) {
                row.put("guard", sample.evidence());
                throw revert(original, evidence, "the guard failed at step " + step + " (" + weights(percent) + "): "
                        + sample.failure());
            }
            if (holdOver && sample.verdict() == MetricGuard.Verdict.PASSING) {
                row.put("heldMs", heldMs);
                row.put("guard", sample.evidence());
                return;
            }
            long next = sampledAt + watch.interval().toNanos();
            if (next >= deadline) {
                row.put("guard", sample.evidence());
                throw revert(original, evidence, "the guard did not pass within the step's timeout ("
                        + DurationText.of(context.timeout()) + ") at step " + step + " (" + weights(percent)
                        + "); last sample: " + sample.summary());
            }
            // Sample at the end of the hold too, so a healthy step moves on when its hold is over.
            StopAwareSleep.until(sampledAt < holdEnd ? Math.min(next, holdEnd) : next, context,
                    "holding " + weights(percent));
        }
    }

    /** Puts the original record sets back at once and returns the failure that says so. */
    private StepFailedException revert(SavedShiftOriginal original, Map<String, Object> evidence, String why) {
        try {
            StepOutcome restored = restore(context, weighted, original, "guard");
            evidence.put("reverted", restored.evidence());
            return new StepFailedException(context.redact(why + "; " + restored.summary()), evidence);
        } catch (Exception e) {
            evidence.put("revertFailed", context.redact(String.valueOf(e.getMessage())));
            return new StepFailedException(context.redact(why + "; putting the original record sets back FAILED ("
                    + e.getMessage() + "): roll back the cutover or restore " + original.describe() + " by hand"),
                    evidence);
        }
    }

    /** Puts back exactly the saved original: deletes the weighted sets it did not have, re-creates the rest. */
    static StepOutcome restore(StepContext context, WeightedRecords weighted, SavedShiftOriginal original, String why)
            throws StepFailedException {
        List<RoutedRecordSet> before = weighted.readAll(original.key());
        SavedShiftOriginal.Restore change = original.restoreFrom(before);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("original", original.evidence());
        evidence.put("before", before.stream().map(RoutedRecordSet::evidence).toList());
        if (!change.isEmpty()) {
            context.progress("restoring " + original.describe() + " (" + why + ")", Map.of());
            evidence.putAll(weighted.apply(change.deletions(), change.upserts(),
                    new InSyncWait(context.timeout(), context::stopRequested)).evidence());
        }
        List<RoutedRecordSet> after = weighted.readAll(original.key());
        evidence.put("after", after.stream().map(RoutedRecordSet::evidence).toList());
        if (!DnsShiftStepType.sameSets(after, original.found())) {
            throw new StepFailedException(context.redact("after restoring, Route 53 lists "
                    + DnsShiftStepType.describe(after) + ", expected " + original.describe()), evidence);
        }
        return StepOutcome.succeeded(context.redact("restored " + original.describe()
                + (change.isEmpty() ? " (it was already so)" : " (change " + evidence.get("changeId") + ")")), evidence);
    }

    private InSyncWait inSyncWait() {
        return new InSyncWait(context.timeout(), context::stopRequested);
    }

    private String weights(int percent) {
        return "weights " + plan.from() + " " + ShiftPlan.fromWeight(percent) + " / " + plan.to() + " " + percent;
    }

    private long ttl(SavedShiftOriginal original) {
        return plan.ttl().orElseGet(() -> original.found().stream().filter(set -> !set.isWeighted()
                || plan.from().equals(set.setIdentifier())).findFirst().orElse(original.found().get(0))
                .records().ttlSeconds());
    }

    /** The runbook's fromValues, else those of the record as found; a plain record must match fromValues. */
    private List<String> fromValues(SavedShiftOriginal original) throws StepFailedException {
        List<String> others = original.found().stream().filter(RoutedRecordSet::isWeighted)
                .map(RoutedRecordSet::setIdentifier).filter(id -> !id.equals(plan.from()) && !id.equals(plan.to())).toList();
        if (!others.isEmpty()) {
            throw new StepFailedException(context.redact(original.key() + " has weighted sets " + others + " besides "
                    + plan.from() + " and " + plan.to() + "; they would keep a share of the traffic the shift cannot "
                    + "account for. Remove them (or shift them) first"));
        }
        Optional<RoutedRecordSet> current = original.found().stream()
                .filter(set -> !set.isWeighted() || plan.from().equals(set.setIdentifier())).findFirst();
        if (plan.fromValues().isEmpty()) {
            return current.map(set -> set.records().values()).orElseThrow(() -> new StepFailedException(context.redact(
                    original.key() + " has no plain record and no weighted set '" + plan.from() + "' to shift from: "
                    + original.describe() + "; give fromValues: or the right from:")));
        }
        RecordSet wanted = new RecordSet(original.key().name(), original.key().type(), 0, plan.fromValues());
        if (current.isPresent() && !current.get().isWeighted()
                && !current.get().records().values().equals(wanted.values())) {
            throw new StepFailedException(context.redact(original.key() + " points at "
                    + String.join(",", current.get().records().values()) + ", not at fromValues "
                    + String.join(",", wanted.values()) + "; the shift would move traffic away from a target "
                    + "nobody named. Correct fromValues: (or leave it out to keep what is there)"));
        }
        return plan.fromValues();
    }
}
