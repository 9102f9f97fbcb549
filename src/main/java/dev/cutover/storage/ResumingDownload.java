package dev.cutover.storage;

import java.io.IOException;
import java.io.InputStream;

/**
 * An object's bytes read to their last one even when the store's connection ends early: a peer may close
 * a download that sat idle while a slow reader (a database restoring a dump) caught up, and some ends
 * look like a normal end of stream. Reads the object's size and generation first; on an early end or a
 * failure it asks again for the rest (a range, pinned to the same generation, so a changed object fails
 * with {@link ObjectStoreException.Reason#PRECONDITION_FAILED} instead of mixing two versions), a few
 * times in a row at most.
 */
public final class ResumingDownload extends InputStream {

    private static final int ATTEMPTS = 5;

    private final ObjectStore store;
    private final String key;
    private final long size;
    private final String generation;
    private InputStream current;
    private long position;
    private int resumes;

    public ResumingDownload(ObjectStore store, String key) {
        StoredObject object = store.stat(key).orElseThrow(() -> new ObjectStoreException(
                ObjectStoreException.Reason.NOT_FOUND, store.describe() + key + " does not exist"));
        this.store = store;
        this.key = key;
        this.size = object.size();
        this.generation = object.generation();
    }

    /** The object's size when the download started. */
    public long size() {
        return size;
    }

    /** How many times the download was resumed after an early end. */
    public int resumes() {
        return resumes;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int failuresInARow = 0;
        while (position < size) {
            if (current == null) {
                current = store.open(key, position == 0 ? null : new ByteRange(position, size - 1), generation);
            }
            IOException failure = null;
            int n;
            try {
                n = current.read(buffer, offset, (int) Math.min(length, size - position));
            } catch (IOException e) {
                failure = e;
                n = -1;
            }
            if (n > 0) {
                position += n;
                return n;
            }
            closeCurrent();
            if (++failuresInARow >= ATTEMPTS) {
                throw new IOException(store.describe() + key + ": the download ended after " + position + " of " + size
                        + " bytes " + ATTEMPTS + " times in a row", failure);
            }
            resumes++;
        }
        return -1;
    }

    private void closeCurrent() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException | RuntimeException ignored) {
                // the connection is already gone; the next range opens a new one
            }
            current = null;
        }
    }

    @Override
    public void close() {
        closeCurrent();
    }
}
