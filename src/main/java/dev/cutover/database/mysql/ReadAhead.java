package dev.cutover.database.mysql;

import dev.cutover.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Keeps reading a dump tool's output on its own thread, up to {@code chunks} chunks of 1 MiB ahead of
 * the reader, so the tool is not stalled while the uploader sends a part: dump and upload overlap. Memory
 * stays bounded by the queue. A failure of the source (the tool exiting non-zero) reaches the reader
 * after the bytes read before it.
 */
final class ReadAhead extends InputStream {

    private static final int CHUNK = 1024 * 1024;
    private static final byte[] END = new byte[0];

    private final InputStream source;
    private final BlockingQueue<byte[]> queue;
    private final Thread pump;
    private volatile IOException failure;
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    ReadAhead(InputStream source, int chunks, String name) {
        this.source = source;
        this.queue = new ArrayBlockingQueue<>(chunks);
        this.pump = DaemonThreads.named(name + "-read-ahead").newThread(this::pump);
        pump.start();
    }

    private void pump() {
        try {
            while (true) {
                byte[] chunk = new byte[CHUNK];
                int filled = 0;
                int n = 0;
                while (filled < CHUNK && (n = source.read(chunk, filled, CHUNK - filled)) >= 0) {
                    filled += n;
                }
                if (filled > 0) {
                    queue.put(filled == CHUNK ? chunk : Arrays.copyOf(chunk, filled));
                }
                if (n < 0) {
                    break;
                }
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IOException("reading ahead was interrupted", e);
        }
        try {
            queue.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        while (position == current.length) {
            if (ended) {
                return -1;
            }
            try {
                current = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the dump", e);
            }
            position = 0;
            if (current == END) {
                ended = true;
                if (failure != null) {
                    throw failure;
                }
                return -1;
            }
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, n);
        position += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        pump.interrupt();
        source.close();
    }
}
