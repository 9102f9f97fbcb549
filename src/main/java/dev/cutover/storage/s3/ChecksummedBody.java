package dev.cutover.storage.s3;

import dev.cutover.storage.Crc32c;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * The bytes of a single-part put, streamed from the caller's stream (never held whole in memory), with
 * the CRC32C of what the SDK actually read. The SDK asks for a new stream per attempt: the first 128 KiB
 * are kept so an attempt refused early (503 SlowDown before the body, a reset connection) can be
 * replayed; a later failure cannot be replayed and surfaces as TRANSIENT to the caller, who re-reads
 * its source. Each attempt gets a fresh CRC, so a replay never counts bytes twice.
 */
final class ChecksummedBody implements ContentStreamProvider {

    /** Same replay window as the SDK's own {@code RequestBody.fromInputStream}. */
    static final int REPLAY_LIMIT = 128 * 1024 + 1;

    private final InputStream source;
    private Crc32c.Computing attempt;

    ChecksummedBody(InputStream data) {
        this.source = data.markSupported() ? data : new BufferedInputStream(data, 64 * 1024);
        this.source.mark(REPLAY_LIMIT);
    }

    @Override
    public synchronized InputStream newStream() {
        if (attempt != null) {
            try {
                source.reset();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot replay the object's bytes for a retry after "
                        + attempt.count() + " bytes were sent (resetting the stream failed)", e);
            }
            source.mark(REPLAY_LIMIT);
        }
        attempt = new Crc32c.Computing(new SourceView(source));
        return attempt;
    }

    /** The CRC32C of the bytes the last attempt read. */
    synchronized String crc32c() {
        return attempt == null ? Crc32c.of(new byte[0]) : attempt.crc32c();
    }

    synchronized long count() {
        return attempt == null ? 0 : attempt.count();
    }

    /** The source as one attempt sees it: no mark/reset of its own, and closing it leaves the source open. */
    private static final class SourceView extends FilterInputStream {

        SourceView(InputStream in) {
            super(in);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public synchronized void mark(int limit) {
        }

        @Override
        public synchronized void reset() throws IOException {
            throw new IOException("mark/reset not supported");
        }

        @Override
        public void close() {
        }
    }
}
