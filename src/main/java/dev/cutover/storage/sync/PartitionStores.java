package dev.cutover.storage.sync;

import dev.cutover.runbook.RunbookCatalog;
import dev.cutover.storage.ObjectStores;
import dev.cutover.storage.SyncSpec;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The stores a worker's partitions of one run copy between. On the instance that runs the sync they
 * are the run's own ({@link SyncRunStores}); elsewhere they are opened from the runbook catalog as
 * it is now (secrets resolved on this instance) and shared by this instance's partitions of the run
 * until the last one ends.
 */
@Component
class PartitionStores {

    private record Borrowed(SyncStores stores, int users) {
    }

    private final SyncRunStores runStores;
    private final ObjectStores stores;
    private final RunbookCatalog runbooks;
    private final Map<Long, Borrowed> borrowed = new HashMap<>();

    PartitionStores(SyncRunStores runStores, ObjectStores stores, RunbookCatalog runbooks) {
        this.runStores = runStores;
        this.stores = stores;
        this.runbooks = runbooks;
    }

    synchronized SyncStores borrow(long runId, SyncSpec spec) {
        if (runStores.holds(runId)) {
            return runStores.of(runId);
        }
        Borrowed current = borrowed.get(runId);
        if (current == null) {
            var runbook = runbooks.findValid(spec.runbook()).orElseThrow(() -> new IllegalStateException(
                    "runbook " + spec.runbook() + " of sync run " + runId + " is not in this instance's catalog"));
            current = new Borrowed(SyncStores.open(stores, spec, RunbookConnections.of(runbook, spec.environment())), 0);
        }
        borrowed.put(runId, new Borrowed(current.stores(), current.users() + 1));
        return current.stores();
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
