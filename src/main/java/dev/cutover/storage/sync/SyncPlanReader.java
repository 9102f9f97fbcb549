package dev.cutover.storage.sync;

import dev.cutover.storage.Difference;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.PlannedObject;
import dev.cutover.storage.SyncMode;
import dev.cutover.storage.SyncPlanner;
import dev.cutover.storage.SyncSpec;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * Reads the sync plan's objects to copy (and extra ones, when they are to be deleted) as the
 * merge-join produces them. Its checkpoint is the last key of the last committed chunk: a
 * restart lists both sides after that key, and objects copied by an uncommitted chunk come back
 * UNCHANGED, so they are skipped, not copied again.
 */
class SyncPlanReader implements ItemStreamReader<PlannedObject> {

    static final String LAST_KEY = "sync.lastKey";

    private final SyncSpec spec;
    private final ObjectStore source;
    private final ObjectStore target;
    private final ExecutorService lookups;
    private final Instant runStarted;
    private final long runId;
    private final SyncRunRepository runs;
    /** listed objects, listed bytes, planned objects, planned bytes, skipped objects, skipped bytes since the last update */
    private final long[] tally = new long[6];
    private Stream<PlannedObject> plan;
    private Iterator<PlannedObject> items;
    private String lastKey;

    SyncPlanReader(SyncSpec spec, ObjectStore source, ObjectStore target, ExecutorService lookups, Instant runStarted,
                   long runId, SyncRunRepository runs) {
        this.runId = runId;
        this.runs = runs;
        this.runStarted = runStarted;
        this.spec = spec;
        this.source = source;
        this.target = target;
        this.lookups = lookups;
    }

    @Override
    public void open(ExecutionContext context) {
        lastKey = context.containsKey(LAST_KEY) ? context.getString(LAST_KEY) : null;
        boolean resumed = lastKey != null;
        boolean counting = spec.mode() != SyncMode.FULL; // a full run counted everything up front, for its ETA
        plan = SyncPlanner.plan(source.list("", lastKey), target.list("", lastKey), spec.filter(), target::stat, lookups)
                .peek(p -> {
                    if (counting) {
                        tally(p, resumed && copiedByThisRun(p));
                    }
                })
                .filter(p -> p.toCopy() || p.difference() == Difference.EXTRA_ON_TARGET
                        || (resumed && copiedByThisRun(p)));
        items = plan.iterator();
    }

    /**
     * After a crash, objects the cut-off chunk had already copied plan as UNCHANGED; the writer
     * counts them as copied by this run (their target is newer than the run) so the figures add up.
     */
    private boolean copiedByThisRun(PlannedObject planned) {
        return planned.difference() == Difference.UNCHANGED && planned.target().updated() != null
                && !planned.target().updated().isBefore(runStarted);
    }

    @Override
    public PlannedObject read() {
        if (!items.hasNext()) {
            return null;
        }
        PlannedObject next = items.next();
        lastKey = next.key();
        return next;
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
        source.close();
        target.close();
    }
}
