package dev.cutover.storage.sync;

import dev.cutover.step.ResolvedConnection;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStores;
import dev.cutover.storage.SyncSpec;
import java.util.function.Function;

/**
 * The two stores of one run, opened once from the connections whoever starts the run resolves
 * (a step's context, the cutover's pinned runbook, the runbook catalog) and shared by the run's
 * plan, copy and verify steps until it ends.
 */
record SyncStores(ObjectStore source, ObjectStore target) implements AutoCloseable {

    /** Opens both stores of the spec's mapping, connections looked up by name. */
    static SyncStores open(ObjectStores stores, SyncSpec spec, Function<String, ResolvedConnection> connections) {
        ObjectStore source = stores.open(connections.apply(spec.sourceConnection()), spec.sourceBucket(),
                spec.sourcePrefix());
        try {
            return new SyncStores(source, stores.open(connections.apply(spec.targetConnection()), spec.targetBucket(),
                    spec.targetPrefix()));
        } catch (RuntimeException failure) {
            source.close();
            throw failure;
        }
    }

    @Override
    public void close() {
        try {
            source.close();
        } finally {
            target.close();
        }
    }
}
