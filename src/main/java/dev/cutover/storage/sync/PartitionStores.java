package dev.cutover.storage.sync;

import dev.cutover.runbook.RunbookCatalog;
import dev.cutover.step.CutoverConnections;
import dev.cutover.step.ResolvedConnection;
import dev.cutover.storage.ObjectStores;
import dev.cutover.storage.SyncRun;
import dev.cutover.storage.SyncSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The stores a worker's partitions of one run copy between. On the instance that runs the sync they
 * are the run's own ({@link SyncRunStores}); elsewhere they are opened as the run's manager opened
 * them — a cutover's run from the cutover's pinned runbook, a standalone run from the catalog as it is
 * now — with secrets resolved on this instance, and shared by this instance's partitions of the run
 * until the last one ends. Opened from the catalog, a cutover's partitions went wherever an edited
 * runbook file pointed, while the manager planned and verified against the pinned one.
 */
@Component
class PartitionStores {

    private record Borrowed(SyncStores stores, int users) {
    }

    private final SyncRunStores runStores;
    private final ObjectStores stores;
    private final RunbookCatalog runbooks;
    private final SyncRunRepository runs;
    private final ObjectProvider<CutoverConnections> cutoverConnections;
    private final Map<Long, Borrowed> borrowed = new HashMap<>();

    PartitionStores(SyncRunStores runStores, ObjectStores stores, RunbookCatalog runbooks, SyncRunRepository runs,
                    ObjectProvider<CutoverConnections> cutoverConnections) {
        this.runStores = runStores;
        this.stores = stores;
        this.runbooks = runbooks;
        this.runs = runs;
        this.cutoverConnections = cutoverConnections;
    }

    synchronized SyncStores borrow(long runId, SyncSpec spec) {
        if (runStores.holds(runId)) {
            return runStores.of(runId);
        }
        Borrowed current = borrowed.get(runId);
        if (current == null) {
            current = new Borrowed(SyncStores.open(stores, spec, connections(runId, spec)), 0);
        }
        borrowed.put(runId, new Borrowed(current.stores(), current.users() + 1));
        return current.stores();
    }

    private Function<String, ResolvedConnection> connections(long runId, SyncSpec spec) {
        String cutoverId = runs.find(runId).map(SyncRun::cutoverId).orElse(null);
        CutoverConnections pinned = cutoverConnections.getIfAvailable();
        if (cutoverId != null && pinned != null && pinned.exists(cutoverId)) {
            return pinned.of(cutoverId);
        }
        var runbook = runbooks.findValid(spec.runbook()).orElseThrow(() -> new IllegalStateException(
                "runbook " + spec.runbook() + " of sync run " + runId + " is not in this instance's catalog"));
        return RunbookConnections.of(runbook, spec.environment());
    }

    /** The stores {@link #borrow} lent for the run, for the partition's reader and writer. */
    synchronized SyncStores lent(long runId) {
        Borrowed current = borrowed.get(runId);
        return current != null ? current.stores() : runStores.of(runId);
    }

    synchronized void giveBack(long runId) {
        Borrowed current = borrowed.get(runId);
        if (current == null) {
            return; // the run's own stores: the run closes them
        }
        if (current.users() <= 1) {
            borrowed.remove(runId);
            current.stores().close();
        } else {
            borrowed.put(runId, new Borrowed(current.stores(), current.users() - 1));
        }
    }
}
