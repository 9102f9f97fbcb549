package dev.cutover.storage.sync;

import dev.cutover.DaemonThreads;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.SyncSpec;
import dev.cutover.storage.plan.Difference;
import dev.cutover.storage.plan.PlannedObject;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
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
 * <p>
 * A stop request ({@link SyncStopRequests}) is heard between objects, not at the chunk's end (over a
 * slow link a chunk takes minutes): copies not yet started are dropped, those on the wire are
 * interrupted (a put already sent may still land), and the chunk ends with {@link StoppedBetweenObjects},
 * so its transaction rolls back: neither the manifest nor the checkpoint claims any of its objects.
 * A resume re-plans them; those that did land plan as UNCHANGED and are counted then.
 */
class SyncCopyWriter implements ItemWriter<PlannedObject>, ItemStream {

    private final long runId;
    private final SyncSpec spec;
    private final ObjectCopier copier;
    private final ObjectStore target;
    private final SyncRunRepository runs;
    private final SyncProgress progress;
    private final ExecutorService copies;
    private final ObjectStore sourceStore;
    private final BooleanSupplier stopRequested;
    private long deletesLeft;
    /** Told each committed chunk's copied objects and bytes (a partition's own figures); nothing by default. */
    private CommittedChunks committedChunks = (objects, bytes) -> { };
    /** Copies started ahead of their chunk, by the planned object the reader will hand over. */
    private final Map<PlannedObject, CompletableFuture<ObjectCopier.Outcome>> begun = new IdentityHashMap<>();

    /** The writer of a sync job's copy step for run {@code runId} between {@code open}. */
    static SyncCopyWriter ofRun(long runId, SyncStores open, SyncRunRepository runs, SyncProgress progress,
                                SyncStopRequests stops) {
        return ofRun(runId, open, runs, progress, stops, () -> false);
    }

    /** A partition's writer: it also stops between objects when its worker hands it back ({@code handedBack}). */
    static SyncCopyWriter ofRun(long runId, SyncStores open, SyncRunRepository runs, SyncProgress progress,
                                SyncStopRequests stops, BooleanSupplier handedBack) {
        SyncSpec spec = runs.spec(runId);
        return new SyncCopyWriter(runId, spec, open.source(), open.target(), runs, progress,
                Executors.newFixedThreadPool(spec.concurrency(), DaemonThreads.numbered("sync-copy-")),
                runs.find(runId).orElseThrow().deletedObjects(),
                () -> stops.requested(runId) || handedBack.getAsBoolean());
    }

    SyncCopyWriter(long runId, SyncSpec spec, ObjectStore source, ObjectStore target, SyncRunRepository runs,
                   SyncProgress progress, ExecutorService copies, long deletedSoFar, BooleanSupplier stopRequested) {
        this.sourceStore = source;
        this.stopRequested = stopRequested;
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
        if (planned.toCopy() && !stopRequested.getAsBoolean() && !copies.isShutdown()) {
            begun.computeIfAbsent(planned, this::startCopy);
        }
    }

    private CompletableFuture<ObjectCopier.Outcome> startCopy(PlannedObject planned) {
        return CompletableFuture.supplyAsync(() -> copier.copy(planned.source(),
                bytes -> progress.streamed(runId, bytes), why -> progress.backingOff(runId, why), stopRequested), copies);
    }

    @Override
    public void write(Chunk<? extends PlannedObject> chunk) throws StoppedBetweenObjects {
        if (stopRequested.getAsBoolean()) {
            abandonCopies(List.of());
        }
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
            ObjectCopier.Outcome outcome = awaitUnlessStopped(outcomes.get(i), outcomes);
            if (outcome.unreachable() != null) {
                throw storeWentAway(outcome.unreachable(), outcomes);
            }
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
        committedChunks.committed(copied, copiedBytes);
    }

    /** Where a partition adds its chunks' figures, in the chunk's transaction like the manifest's. */
    @FunctionalInterface
    interface CommittedChunks {
        void committed(long objects, long bytes);
    }

    SyncCopyWriter reportingTo(CommittedChunks committedChunks) {
        this.committedChunks = committedChunks;
        return this;
    }

    /** The copy's outcome, checking every 100 ms whether the run was asked to stop. */
    private ObjectCopier.Outcome awaitUnlessStopped(CompletableFuture<ObjectCopier.Outcome> copy,
                                                    List<CompletableFuture<ObjectCopier.Outcome>> chunkCopies)
            throws StoppedBetweenObjects {
        while (true) {
            if (stopRequested.getAsBoolean()) {
                abandonCopies(chunkCopies);
            }
            try {
                return copy.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillCopying) {
                // check the stop request again
            } catch (ExecutionException e) {
                throw new IllegalStateException("a copy ended without an outcome", e.getCause()); // copy() never throws
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abandonCopies(chunkCopies);
            }
        }
    }

    /** Drops the copies not started, interrupts those under way, and ends the chunk (rolled back). */
    private void abandonCopies(List<CompletableFuture<ObjectCopier.Outcome>> chunkCopies) throws StoppedBetweenObjects {
        cancel(chunkCopies);
        StopLogQuieting.stopping();
        throw new StoppedBetweenObjects(runId);
    }

    /**
     * A store stopped answering (killed, network cut): the chunk fails, naming the connection and the address,
     * and rolls back, so neither the manifest nor the checkpoint claims its objects; the step and the run fail,
     * and a restart resumes from the last committed chunk. Recording every object of the run as failed, each
     * after its retries, would take as long as the run and leave the checkpoint past objects never copied.
     */
    private RuntimeException storeWentAway(ObjectCopier.Unreachable down,
                                           List<CompletableFuture<ObjectCopier.Outcome>> chunkCopies) {
        cancel(chunkCopies);
        return StoreProblem.wentAway(down.target() ? spec.targetConnection() : spec.sourceConnection(),
                (down.target() ? target : sourceStore).describe(), down.failure());
    }

    private void cancel(List<CompletableFuture<ObjectCopier.Outcome>> chunkCopies) {
        copies.shutdownNow();
        chunkCopies.forEach(copy -> copy.cancel(true));
        begun.values().forEach(copy -> copy.cancel(true));
        begun.clear();
    }

    /** The run was asked to stop in the middle of a chunk: see {@link SyncStopRequests.Stopped}. */
    static final class StoppedBetweenObjects extends SyncStopRequests.Stopped {
        StoppedBetweenObjects(long runId) {
            super(runId, "while copying: its copies were abandoned between objects; the chunk under way is not "
                    + "counted and a resume plans it again");
        }
    }

    @Override
    public void close() {
        StopLogQuieting.done();
        progress.ended(runId);
        begun.clear();
        copies.shutdownNow();
        // the stores belong to the run (SyncRunStores), which closes them when it ends
    }
}
