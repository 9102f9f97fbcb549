package dev.cutover.storage.s3;

import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStoreContract;

/**
 * The port's contract against S3Mock (or whatever {@code CUTOVER_TEST_S3_ENDPOINT} names), one fresh
 * bucket per test, multipart from 8 MiB in 5 MiB parts. S3 listings carry no checksums, and the
 * contract asks for them: this runs with {@link S3Settings#checksumsInListing()} on (one HeadObject per
 * listed object); {@link S3ObjectStoreTests} covers the default, cheap listing.
 */
class S3ObjectStoreContractTests extends ObjectStoreContract {

    @Override
    protected ObjectStore newEmptyStore() {
        return S3ObjectStores.open(S3TestBuckets.settingsFor(S3TestBuckets.createBucket("contract"))
                .with(s -> s.checksumsInListing(true)));
    }

    /** S3Mock 5.2.0 sorts listings by UTF-16 units; real S3 (and the adapter's order check) use UTF-8 bytes. */
    @Override
    protected boolean peerListsInUtf8ByteOrder() {
        return false;
    }
}
