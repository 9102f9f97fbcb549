package dev.cutover.storage.sync;

import dev.cutover.runbook.Durations;
import dev.cutover.step.MapStepArguments;
import dev.cutover.step.StepArguments;
import dev.cutover.storage.SyncMode;
import dev.cutover.storage.SyncRun;
import dev.cutover.storage.SyncSpec;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Builds a {@link SyncSpec} from a storage step's {@code with:} values, as a step or the API sees them. */
final class SyncSpecs {

    private SyncSpecs() {
    }

    /** @param mode overrides the step's mode when not null */
    static SyncSpec of(String runbook, String environment, StepArguments args, SyncRun.Kind kind, SyncMode mode) {
        SyncMode effective = mode != null ? mode
                : kind == SyncRun.Kind.VERIFY ? SyncMode.FINAL : SyncMode.parse(args.string("mode").orElse("delta"));
        return new SyncSpec(runbook, environment, args.requiredString("source"), args.requiredString("sourceBucket"),
                args.string("sourcePrefix").orElse(""), args.requiredString("target"), args.requiredString("targetBucket"),
                args.string("targetPrefix").orElse(""), effective, args.list("include"), args.list("exclude"),
                args.bool("deleteExtra").orElse(false), args.integer("maxDelete").orElse(0L),
                args.integer("concurrency").orElse((long) SyncSpec.DEFAULT_CONCURRENCY).intValue(),
                args.integer("partitions").orElse(0L).intValue());
    }

    /** A runbook step's {@code with:} map (validated, no secrets among these parameters) as arguments. */
    static StepArguments arguments(Map<String, Object> with) {
        return new MapStepArguments(with, UnaryOperator.identity(), Durations::parse);
    }
}
