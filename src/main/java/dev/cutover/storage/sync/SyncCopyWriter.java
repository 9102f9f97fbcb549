package dev.cutover.storage.sync;

import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.SyncSpec;
import dev.cutover.storage.plan.Difference;
import dev.cutover.storage.plan.PlannedObject;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemStream;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * Copies one chunk of planned objects, {@code concurrency} at a time, and adds the chunk's figures
 * to the run's manifest in the chunk's transaction (with the reader's checkpoint). An object that
 * cannot be copied is recorded with its reason and does not stop the others.
 * <p>
 * Copies may {@link #begin} before their chunk is written: the reader starts them as it plans, a little
 * ahead of the chunk (see {@link SyncPlanReader}), so that copies overlap the listing and the pool never
 * drains at a chunk's end. A chunk still counts only its own objects, after all of them ended; an object
 * copied ahead of a crash plans as UNCHANGED on restart and is counted then.
 */
class SyncCopyWriter implements ItemWriter<PlannedObject>, ItemStream {

    private final long runId;
    private final SyncSpec spec;
    private final ObjectCopier copier;
    private final ObjectStore target;
    private final SyncRunRepository runs;
    private final SyncProgress progress;
    private final ExecutorService copies;
    private final AutoCloseable sourceStore;
    private long deletesLeft;
    /** Copies started ahead of their chunk, by the planned object the reader will hand over. */
    private final Map<PlannedObject, CompletableFuture<ObjectCopier.Outcome>> begun = new IdentityHashMap<>();

    SyncCopyWriter(long runId, SyncSpec spec, ObjectStore source, ObjectStore target, SyncRunRepository runs,
                   SyncProgress progress, ExecutorService copies, long deletedSoFar) {
        this.sourceStore = source;
        ObjectCopier copier = new ObjectCopier(source, target);
        this.runId = runId;
        this.spec = spec;
        this.copier = copier;
        this.target = target;
        this.runs = runs;
        this.progress = progress;
        this.copies = copies;
        this.deletesLeft = spec.maxDelete() - deletedSoFar;
    }

    /** Starts copying {@code planned} now; its chunk's {@link #write} waits for it and counts it. */
    public void begin(PlannedObject planned) {
        if (planned.toCopy()) {
            begun.computeIfAbsent(planned, this::startCopy);
        }
    }

    private CompletableFuture<ObjectCopier.Outcome> startCopy(PlannedObject planned) {
        return CompletableFuture.supplyAsync(() -> copier.copy(planned.source(),
                bytes -> progress.streamed(runId, bytes), why -> progress.backingOff(runId, why)), copies);
    }

    @Override
    public void write(Chunk<? extends PlannedObject> chunk) {
        List<CompletableFuture<ObjectCopier.Outcome>> outcomes = new ArrayList<>();
        List<PlannedObject> toCopy = new ArrayList<>();
        long extra = 0;
        long deleted = 0;
        List<String[]> failures = new ArrayList<>();
        long alreadyCopied = 0;
        long alreadyCopiedBytes = 0;
        for (PlannedObject planned : chunk) {
            if (planned.difference() == Difference.UNCHANGED) { // copied by this run before it was cut off
                alreadyCopied++;
                alreadyCopiedBytes += planned.source().size();
                continue;
            }
            if (planned.difference() == Difference.EXTRA_ON_TARGET) {
                extra++;
                if (spec.deleteExtra()) {
                    if (deletesLeft > 0) {
                        target.delete(planned.key());
                        deletesLeft--;
                        deleted++;
                    } else {
                        failures.add(new String[] { planned.key(), "extra on target, not deleted: maxDelete ("
                                + spec.maxDelete() + ") reached" });
                    }
                }
                continue;
            }
            toCopy.add(planned);
            CompletableFuture<ObjectCopier.Outcome> started = begun.remove(planned);
            outcomes.add(started != null ? started : startCopy(planned));
        }
        long copied = alreadyCopied;
        long copiedBytes = alreadyCopiedBytes;
        long requeued = 0;
        long streamedBytes = 0;
        for (int i = 0; i < toCopy.size(); i++) {
            ObjectCopier.Outcome outcome = outcomes.get(i).join();
            requeued += outcome.requeued();
            if (outcome.copied()) {
                copied++;
                copiedBytes += outcome.bytes();
                streamedBytes += outcome.bytes();
            } else {
                failures.add(new String[] { toCopy.get(i).key(), outcome.failure() });
            }
        }
        failures.forEach(failure -> runs.failure(runId, failure[0], failure[1]));
        runs.add(runId, new SyncRunRepository.Counts(copied, copiedBytes, 0, 0,
                failures.size(), extra, deleted, requeued));
        progress.committed(runId, streamedBytes);
    }

    @Override
    public void close() {
        progress.ended(runId);
        begun.clear();
        copies.shutdownNow();
        // the stores belong to the run (SyncRunStores), which closes them when it ends
    }
}
