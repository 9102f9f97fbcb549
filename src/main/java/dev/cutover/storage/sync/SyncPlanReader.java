package dev.cutover.storage.sync;

import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.SyncMode;
import dev.cutover.storage.SyncSpec;
import dev.cutover.storage.plan.Difference;
import dev.cutover.storage.plan.KeyFilter;
import dev.cutover.storage.plan.KeySpan;
import dev.cutover.storage.plan.PlannedObject;
import dev.cutover.storage.plan.SyncPlanner;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * Reads the sync plan's objects to copy (and extra ones, when they are to be deleted) as the
 * merge-join produces them. Its checkpoint is the last key of the last committed chunk: a
 * restart lists both sides after that key, and objects copied by an uncommitted chunk come back
 * UNCHANGED, so they are skipped, not copied again.
 * <p>
 * The reader plans ahead of what it has handed out (at most {@link #LOOKAHEAD_ITEMS} objects, and at
 * most {@code copiesAhead} objects to copy) and tells {@code copyAhead} about each object to copy as
 * soon as it is planned, so that its copy starts while the listing goes on: a delta whose few changes are
 * spread over the whole key range would otherwise copy nothing until its only chunk was read, i.e. until
 * both listings were complete. Figures and the checkpoint still move with what is handed out.
 */
class SyncPlanReader implements ItemStreamReader<PlannedObject> {

    static final String LAST_KEY = "sync.lastKey";
    /**
     * Set by whoever runs the step again after an attempt that may have copied ahead without reaching a
     * checkpoint (a partition whose worker died in its first chunk): without a checkpoint the reader could
     * not tell, and it would count the objects the lost attempt copied as skipped rather than copied.
     */
    static final String RESUMED = "sync.resumed";
    /** Planned objects held ahead of the one handed out: bounds the reader's memory. */
    static final int LOOKAHEAD_ITEMS = 1000;

    private final SyncSpec spec;
    private final ObjectStore source;
    private final ObjectStore target;
    private final ExecutorService lookups;
    private final Instant runStarted;
    private final long runId;
    private final SyncRunRepository runs;
    /** listed objects, listed bytes, planned objects, planned bytes, skipped objects, skipped bytes since the last update */
    private final long[] tally = new long[6];
    private final Consumer<PlannedObject> copyAhead;
    private final int copiesAhead;
    private final Deque<PlannedObject> ahead = new ArrayDeque<>();
    private int copiesInAhead;
    private boolean resumed;
    private boolean counting;
    private Stream<PlannedObject> plan;
    private Iterator<PlannedObject> items;
    private String lastKey;
    private KeySpan span = KeySpan.ALL;

    /**
     * The reader of a sync job's (or a partition's) copy step for run {@code runId} between {@code open},
     * handing each planned copy to {@code copyAhead} up to a lookahead ahead of its chunk.
     */
    static SyncPlanReader ofRun(long runId, SyncStores open, SyncRunRepository runs, Consumer<PlannedObject> copyAhead) {
        SyncSpec spec = runs.spec(runId);
        return new SyncPlanReader(spec, open.source(), open.target(),
                TargetLookups.of(spec, "sync-plan-"),
                runs.find(runId).orElseThrow().startedAt(), runId, runs, copyAhead, LOOKAHEAD_ITEMS);
    }

    SyncPlanReader(SyncSpec spec, ObjectStore source, ObjectStore target, ExecutorService lookups, Instant runStarted,
                   long runId, SyncRunRepository runs) {
        this(spec, source, target, lookups, runStarted, runId, runs, planned -> { }, 0);
    }

    /**
     * @param copyAhead   told about each object to copy as soon as it is planned (starts its copy)
     * @param copiesAhead how many objects to copy may be planned ahead of the one handed out
     */
    SyncPlanReader(SyncSpec spec, ObjectStore source, ObjectStore target, ExecutorService lookups, Instant runStarted,
                   long runId, SyncRunRepository runs, Consumer<PlannedObject> copyAhead, int copiesAhead) {
        this.copyAhead = copyAhead;
        this.copiesAhead = copiesAhead;
        this.runId = runId;
        this.runs = runs;
        this.runStarted = runStarted;
        this.spec = spec;
        this.source = source;
        this.target = target;
        this.lookups = lookups;
    }

    /** Restricts the plan to one span of the key space: a partition of the run (see {@link PartitionedSync}). */
    SyncPlanReader within(KeySpan span) {
        this.span = span;
        return this;
    }

    @Override
    public void open(ExecutionContext context) {
        lastKey = context.containsKey(LAST_KEY) ? context.getString(LAST_KEY) : null;
        resumed = lastKey != null || context.containsKey(RESUMED);
        counting = spec.mode() != SyncMode.FULL; // a full run counted everything up front, for its ETA
        plan = span.equals(KeySpan.ALL)
                ? SyncPlanner.plan(source, target, lastKey, KeyFilter.of(spec), target::stat, lookups)
                : SyncPlanner.plan(source, target, span, lastKey, KeyFilter.of(spec), target::stat, lookups);
        items = plan.iterator();
    }

    /**
     * After a crash, objects the cut-off chunk had already copied plan as UNCHANGED; the writer
     * counts them as copied by this run (their target is not older than the run) so the figures add up.
     * A target that tells whole seconds (S3's HEAD: Last-Modified is an HTTP date) is compared with the
     * second the run started in: an object put in that second would otherwise read as older than the run.
     */
    private boolean copiedByThisRun(PlannedObject planned) {
        if (planned.difference() != Difference.UNCHANGED || planned.target().updated() == null) {
            return false;
        }
        Instant updated = planned.target().updated();
        return !updated.isBefore(updated.getNano() == 0 ? runStarted.truncatedTo(ChronoUnit.SECONDS) : runStarted);
    }

    @Override
    public PlannedObject read() {
        while (true) {
            planAhead();
            PlannedObject next = ahead.pollFirst();
            if (next == null) {
                return null;
            }
            if (next.toCopy()) {
                copiesInAhead--;
            }
            boolean copiedBeforeCrash = resumed && copiedByThisRun(next);
            if (counting) {
                tally(next, copiedBeforeCrash);
            }
            if (next.toCopy() || next.difference() == Difference.EXTRA_ON_TARGET || copiedBeforeCrash) {
                lastKey = next.key();
                return next;
            }
        }
    }

    /** Plans up to the lookahead's bounds (at least one object), starting the copies of what is to copy. */
    private void planAhead() {
        while (items.hasNext() && (ahead.isEmpty()
                || ahead.size() < LOOKAHEAD_ITEMS && copiesInAhead < copiesAhead)) {
            PlannedObject planned = items.next();
            ahead.addLast(planned);
            if (planned.toCopy()) {
                copiesInAhead++;
                copyAhead.accept(planned);
            }
        }
    }

    @Override
    public void update(ExecutionContext context) {
        if (lastKey != null) {
            context.putString(LAST_KEY, lastKey);
        }
        // In the chunk's transaction, with the checkpoint: a resume counts from where this left off.
        if (tally[0] + tally[2] + tally[4] > 0) {
            runs.addPlanned(runId, tally[0], tally[1], tally[2], tally[3], tally[4], tally[5]);
            java.util.Arrays.fill(tally, 0);
        }
    }

    /**
     * Delta and final runs count as the plan streams instead of listing everything twice (the
     * plan's figures grow as it goes); objects the cut-off chunk copied count as copied, not skipped.
     */
    private void tally(PlannedObject planned, boolean copiedBeforeCrash) {
        if (planned.source() != null) {
            tally[0]++;
            tally[1] += planned.source().size();
        }
        if (planned.toCopy() || copiedBeforeCrash) {
            tally[2]++;
            tally[3] += planned.source().size();
        } else if (planned.difference() == Difference.UNCHANGED) {
            tally[4]++;
            tally[5] += planned.source().size();
        }
    }

    @Override
    public void close() {
        if (plan != null) {
            plan.close();
        }
        lookups.shutdownNow();
        // the stores belong to the run (SyncRunStores), which closes them when it ends
    }
}
