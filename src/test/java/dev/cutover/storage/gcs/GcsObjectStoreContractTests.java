package dev.cutover.storage.gcs;

import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The port's contract against the GCS JSON API fake, driven by the real client library: one fresh bucket per
 * test, listing pages of 500, resumable uploads in 8 MiB chunks (the contract's large object takes two).
 */
class GcsObjectStoreContractTests extends ObjectStoreContract {

    private static FakeGcsServer fake;

    @BeforeAll
    static void startFake() {
        fake = new FakeGcsServer().start();
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @Override
    protected ObjectStore newEmptyStore() {
        return GcsObjectStores.open(GcsTestStores.newBucket(fake, "contract"));
    }
}
