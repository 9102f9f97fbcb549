package dev.cutover.storage.sync;

import dev.cutover.storage.Difference;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.PlannedObject;
import dev.cutover.storage.SyncSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemStream;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * Copies one chunk of planned objects, {@code concurrency} at a time, and adds the chunk's figures
 * to the run's manifest in the chunk's transaction (with the reader's checkpoint). An object that
 * cannot be copied is recorded with its reason and does not stop the others.
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
            outcomes.add(CompletableFuture.supplyAsync(() -> copier.copy(planned.source(),
                    bytes -> progress.streamed(runId, bytes)), copies));
        }
        long copied = alreadyCopied;
        long copiedBytes = alreadyCopiedBytes;
        long requeued = 0;
        for (int i = 0; i < toCopy.size(); i++) {
            ObjectCopier.Outcome outcome = outcomes.get(i).join();
            requeued += outcome.requeued();
            if (outcome.copied()) {
                copied++;
                copiedBytes += outcome.bytes();
            } else {
                failures.add(new String[] { toCopy.get(i).key(), outcome.failure() });
            }
        }
        failures.forEach(failure -> runs.failure(runId, failure[0], failure[1]));
        runs.add(runId, new SyncRunRepository.Counts(copied, copiedBytes, 0, 0,
                failures.size(), extra, deleted, requeued));
        progress.committed(runId);
    }

    @Override
    public void close() {
        copies.shutdownNow();
        try {
            sourceStore.close();
        } catch (Exception ignored) {
            // closing a store releases connections; nothing to save
        }
        target.close();
    }
}
