package dev.cutover.storage.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import software.amazon.awssdk.core.ResponseInputStream;

/**
 * The body of a GetObject. Closing it before the end aborts the connection instead of letting the
 * HTTP client drain what is left (which could be gigabytes); after the end the connection goes back to
 * the pool. Note: the SDK aborts a body nobody starts reading within 60 seconds.
 */
final class S3ObjectContent extends FilterInputStream {

    private final ResponseInputStream<?> response;
    private long remaining;

    S3ObjectContent(ResponseInputStream<?> response, long contentLength) {
        super(response);
        this.response = response;
        this.remaining = contentLength;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            remaining = 0;
        } else {
            remaining--;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n < 0) {
            remaining = 0;
        } else {
            remaining -= n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        remaining -= skipped;
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() throws IOException {
        if (remaining > 0) {
            response.abort();
        }
        response.close();
    }
}
