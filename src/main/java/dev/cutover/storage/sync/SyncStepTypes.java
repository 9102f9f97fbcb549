package dev.cutover.storage.sync;

import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepStoppedException;
import dev.cutover.step.StepType;
import dev.cutover.storage.ObjectStores;
import dev.cutover.storage.SyncMode;
import dev.cutover.storage.SyncRun;
import dev.cutover.storage.SyncSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Step types {@code storage-sync} (modes full, delta, final) and {@code storage-verify}: one bucket
 * mapping each. A step that was stopped or cut off by a crash continues its run from the last
 * checkpoint when the phase restarts; a run that ended with failures is followed by a new run,
 * whose plan copies only what is still missing.
 */
@Configuration(proxyBeanMethods = false)
class SyncStepTypes {

    private static final List<StepParameter> MAPPING = List.of(
            StepParameter.required("source", Kind.CONNECTION, "the connection to copy from (gcs, s3 or filesystem)"),
            StepParameter.required("sourceBucket", Kind.STRING, "the source bucket"),
            StepParameter.optional("sourcePrefix", Kind.STRING, "only keys under this prefix (kept relative)"),
            StepParameter.required("target", Kind.CONNECTION, "the connection to copy to"),
            StepParameter.required("targetBucket", Kind.STRING, "the target bucket"),
            StepParameter.optional("targetPrefix", Kind.STRING, "where keys land inside the target bucket"),
            StepParameter.optional("include", Kind.LIST, "globs of keys to sync, e.g. assets/** (default: all)"),
            StepParameter.optional("exclude", Kind.LIST, "globs of keys to leave behind, e.g. logs/** or **.tmp"),
            StepParameter.optional("concurrency", Kind.INTEGER, "objects copied at once (default 16)"));

    @Bean
    StepType storageSyncStepType(SyncLauncher syncs, SyncSchedules schedules, ObjectStores stores,
                                 SyncProgress progress) {
        List<StepParameter> parameters = new ArrayList<>(MAPPING);
        parameters.add(StepParameter.oneOf("mode", true, "full, delta (only new and changed) or final (delta, then "
                + "verification that must be clean)", "full", "delta", "final"));
        parameters.add(StepParameter.optional("deleteExtra", Kind.BOOLEAN, "delete objects only on the target"));
        parameters.add(StepParameter.optional("maxDelete", Kind.INTEGER, "refuse to delete more than this (default 0)"));
        parameters.add(StepParameter.optional("schedule", Kind.STRING, "cron for scheduled delta syncs"));
        parameters.add(StepParameter.optional("partitions", Kind.INTEGER, "key ranges the copy is cut into, run "
                + "in parallel by this and any worker instance (default: one step on this instance)"));
        return new SyncStep("storage-sync", "Copies new and changed objects of one bucket mapping with end-to-end "
                + "CRC32C; mode final also verifies every object", parameters, syncs, schedules, stores,
                progress, SyncRun.Kind.SYNC);
    }

    @Bean
    StepType storageVerifyStepType(SyncLauncher syncs, ObjectStores stores, SyncProgress progress) {
        return new SyncStep("storage-verify", "Compares source and target object by object (counts, bytes, CRC32C); "
                + "fails when anything is missing or differs", MAPPING, syncs, null, stores, progress,
                SyncRun.Kind.VERIFY);
    }

    /** One of the two types: they differ in the kind of run they start. */
    record SyncStep(String name, String description, List<StepParameter> parameters, SyncLauncher syncs,
                    SyncSchedules schedules, ObjectStores stores, SyncProgress held, SyncRun.Kind kind)
            implements StepType {

        /** A run cut off by its instance's death continues from its last checkpoint (a verification starts over). */
        @Override
        public boolean resumable() {
            return true;
        }

        @Override
        public StepOutcome execute(StepContext context) throws Exception {
            SyncSpec spec = spec(context);
            if (schedules != null && spec.mode() == SyncMode.FINAL) {
                schedules.pauseAll(context.cutoverId(), "the final sync of " + context.stepId()
                        + " started: the write-freeze window has begun");
            }
            // The stores of this step's run, from the connections its cutover resolves (its pinned runbook)
            SyncStores open = SyncStores.open(stores, spec, context::connection);
            try {
                SyncPreflight.check(spec, open);
            } catch (StoreProblem.Unusable unusable) {
                open.close();
                throw new StepFailedException(unusable.getMessage(), Map.of("connection", unusable.problem().connection(),
                        "failure", unusable.problem().failure()));
            }
            Optional<SyncRun> previous = syncs.latestForStep(context.cutoverId(), context.stepId());
            long runId;
            if (previous.isPresent() && syncs.resumable(previous.get())) {
                runId = previous.get().id();
                context.progress("continuing sync run " + runId + " from its last checkpoint", Map.of("runId", runId));
                syncs.resume(previous.get(), open);
            } else {
                try {
                    runId = syncs.start(kind, spec, open, context.cutoverId(), context.stepId(), "system");
                } catch (SyncRunRepository.AlreadyRunning running) {
                    throw new StepFailedException("could not start: " + running.getMessage(), running.runId() == null
                            ? Map.of() : Map.of("runningSyncRunId", running.runId()));
                }
            }
            long awaited = System.nanoTime();
            SyncRun run = syncs.await(runId, context.timeout(), context::stopRequested, running -> context.progress(
                    (running.kind() == SyncRun.Kind.VERIFY ? "verification run " + running.id() + ": "
                            + running.listedObjects() + " objects compared"
                            : "sync run " + running.id() + ": " + running.copiedObjects() + " of "
                            + running.plannedObjects() + " objects copied"), figures(running)));
            context.waited(run.kind() == SyncRun.Kind.VERIFY ? "verification run (list both sides, compare)"
                    : "sync run (list, plan, copy" + (run.mode() == SyncMode.FINAL ? ", verify)" : ")"),
                    java.time.Duration.ofNanos(System.nanoTime() - awaited));
            Map<String, Object> evidence = run.evidence();
            switch (run.state()) {
                case COMPLETED -> {
                    Optional<String> cron = context.arguments().string("schedule");
                    if (schedules != null && cron.isPresent() && spec.mode() != SyncMode.FINAL) {
                        schedules.activate(context.cutoverId(), context.stepId(), cron.get(), spec);
                        evidence.put("schedule", cron.get());
                    }
                    return StepOutcome.succeeded(summary(run), evidence);
                }
                case STOPPED -> throw new StepStoppedException("sync run " + runId + " stopped after its last chunk");
                default -> throw new StepFailedException("sync run " + runId + " " + run.state().inWords()
                        + (run.message() == null ? "" : ": " + run.message()), evidence);
            }
        }

        /**
         * What the dashboard shows of a running sync: objects and bytes done and planned, the throughput
         * so far, and what holds the copies back right now ({@code heldBy}), so its ETA can say why
         * instead of "N/A". {@code plannedObjects} grows while the listings are still being merged.
         */
        private Map<String, Object> figures(SyncRun running) {
            Map<String, Object> figures = new java.util.LinkedHashMap<>();
            figures.put("syncRunId", running.id());
            figures.put("kind", running.kind().text());
            figures.put("copiedObjects", running.copiedObjects());
            figures.put("plannedObjects", running.plannedObjects());
            figures.put("copiedBytes", running.copiedBytes());
            figures.put("plannedBytes", running.plannedBytes());
            figures.put("listedObjects", running.listedObjects());
            figures.put("elapsedMs", running.elapsed().toMillis());
            figures.put("throughputBytesPerSecond", Math.round(running.throughput(running.copiedBytes())));
            held.heldBy(running.id()).ifPresent(why -> figures.put("heldBy", List.of(why)));
            return figures;
        }

        private SyncSpec spec(StepContext context) {
            return SyncSpecs.of(context.runbook(), context.environment(), context.arguments(), kind, null);
        }

        private static String summary(SyncRun run) {
            if (run.kind() == SyncRun.Kind.VERIFY) {
                return "verified " + run.listedObjects() + " objects (" + run.listedBytes() + " bytes): no mismatch";
            }
            return "copied " + run.copiedObjects() + " objects (" + run.copiedBytes() + " bytes), "
                    + run.skippedObjects() + " unchanged, " + run.extraObjects() + " extra on target"
                    + (run.mode() == SyncMode.FINAL ? "; verification clean" : "");
        }

    }
}
