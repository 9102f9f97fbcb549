package dev.cutover.storage;

/**
 * Optional: a store whose listing starts after any key for the price of one request (S3's
 * start-after, GCS's startOffset), so a sync plan lists its key ranges in parallel. A store without
 * it (a directory walk, which starts from the top each time) is listed in one go.
 */
public interface SeekableListing {
}
