package dev.cutover.storage.gcs;

import com.google.cloud.ReadChannel;
import dev.cutover.storage.ObjectStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.Arrays;
import java.util.function.Function;

/**
 * An object's bytes from a {@link ReadChannel}, with failures translated at the port: the channel reports
 * GCS's answers as IOExceptions wrapping StorageExceptions, which become {@link ObjectStoreException}s
 * (unchecked, so they pass through any caller's stream handling with their reason). The first bytes are
 * read when the content is opened, so a missing object or generation fails {@code open}, not the first read.
 */
final class GcsObjectContent extends InputStream {

    private static final int FIRST_READ = 8 * 1024;

    private final ReadChannel reader;
    private final InputStream in;
    private final Function<Exception, ObjectStoreException> failure;
    private byte[] first = new byte[0];
    private int firstAt;

    private GcsObjectContent(ReadChannel reader, Function<Exception, ObjectStoreException> failure) {
        this.reader = reader;
        this.in = Channels.newInputStream(reader);
        this.failure = failure;
    }

    /** Opens the content and reads its first bytes; {@code failure} translates what the channel throws. */
    static GcsObjectContent open(ReadChannel reader, Function<Exception, ObjectStoreException> failure) {
        GcsObjectContent content = new GcsObjectContent(reader, failure);
        try {
            byte[] buffer = new byte[FIRST_READ];
            int n = content.readChannel(buffer, 0, buffer.length);
            content.first = n <= 0 ? new byte[0] : Arrays.copyOf(buffer, n);
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw failure.apply(e);
        }
        return content;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (firstAt < first.length) {
            int n = Math.min(length, first.length - firstAt);
            System.arraycopy(first, firstAt, buffer, offset, n);
            firstAt += n;
            return n;
        }
        try {
            return readChannel(buffer, offset, length);
        } catch (IOException | RuntimeException e) {
            throw failure.apply(e);
        }
    }

    /** At least one byte, or -1 at the end: a channel may answer 0, an InputStream should not. */
    private int readChannel(byte[] buffer, int offset, int length) throws IOException {
        int n;
        do {
            n = in.read(buffer, offset, length);
        } while (n == 0);
        return n;
    }

    @Override
    public void close() {
        reader.close();
    }
}
