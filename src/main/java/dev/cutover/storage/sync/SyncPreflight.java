package dev.cutover.storage.sync;

import dev.cutover.storage.SyncSpec;

/** Before a run starts: both stores of its mapping answer, accept the credentials and have the bucket. */
final class SyncPreflight {

    private SyncPreflight() {
    }

    /** @throws StoreProblem.Unusable naming the first connection that cannot be used */
    static void check(SyncSpec spec, SyncStores stores) {
        StoreProblem.check(spec.sourceConnection(), stores.source(), null);
        StoreProblem.check(spec.targetConnection(), stores.target(), null);
    }
}
