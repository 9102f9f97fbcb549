package dev.cutover.storage.sync;

import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStores;
import dev.cutover.storage.SyncSpec;

/** Before a run starts: both stores of its mapping answer, accept the credentials and have the bucket. */
final class SyncPreflight {

    private SyncPreflight() {
    }

    /** @throws StoreProblem.Unusable naming the first connection that cannot be used */
    static void check(ObjectStores stores, SyncSpec spec) {
        try (ObjectStore source = StorageSyncJobConfiguration.source(stores, spec)) {
            StoreProblem.check(spec.sourceConnection(), source, null);
        }
        try (ObjectStore target = StorageSyncJobConfiguration.target(stores, spec)) {
            StoreProblem.check(spec.targetConnection(), target, null);
        }
    }
}
