package dev.cutover.storage;

import java.util.Optional;

/** Optional power of a store that lives in a region (S3): the region configured and the bucket's own. */
public interface BucketRegion {

    /** The region the connection is configured with. */
    String configuredRegion();

    /** The region the server says the bucket is in; empty when it does not say (some S3-compatible servers). */
    Optional<String> bucketRegion();
}
