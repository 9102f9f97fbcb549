package dev.cutover.storage;

import java.io.InputStream;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One bucket (or directory) of objects. Small on purpose: every backend implements all of it;
 * optional powers ({@link ServerSideCopy}, {@link LifecycleRules}) are separate interfaces. No SDK
 * type or exception crosses this port: failures are {@link ObjectStoreException}s with a reason.
 */
public interface ObjectStore extends AutoCloseable {

    /** Where this store points, for messages and manifests, e.g. {@code gcs://acme-assets/}. */
    String describe();

    /**
     * Objects under {@code prefix} whose key sorts after {@code startAfter} (exclusive), in
     * {@link KeyOrder} — the order both GCS and S3 list in — fetched page by page as the stream
     * is consumed. Close the stream when done.
     */
    Stream<StoredObject> list(String prefix, String startAfter);

    /** The object's size, checksums, generation and metadata, or empty when it does not exist. */
    Optional<StoredObject> stat(String key);

    /**
     * The object's bytes, or the {@code range} of them. With {@code generation} non-null, fails
     * with {@link ObjectStoreException.Reason#PRECONDITION_FAILED} if the object changed since.
     */
    InputStream open(String key, ByteRange range, String generation);

    /**
     * Stores {@code size} bytes read from {@code data} under {@code key}. The declared CRC32C (if
     * given) is checked against the bytes by the store where it can, else by the adapter before
     * the object becomes visible; a mismatch fails with {@link ObjectStoreException.Reason#CHECKSUM_MISMATCH}
     * and leaves no object behind.
     */
    StoredObject put(String key, InputStream data, long size, PutOptions options);

    /**
     * Stores every byte read from {@code data} until it ends, its size not known beforehand (a dump
     * tool's output, an export written as it is read). Streamed: at most one part or chunk of it is in
     * memory at a time and nothing is staged on local disk (the filesystem adapter writes straight into
     * its own directory). The returned object carries the size and CRC32C of exactly the bytes read;
     * a declared CRC32C is checked like {@link #put}'s. A failure while reading or sending leaves no
     * object behind.
     */
    StoredObject putStream(String key, InputStream data, PutOptions options);

    /** Removes the object; removing an absent object is not an error. */
    void delete(String key);

    @Override
    default void close() {
    }
}
