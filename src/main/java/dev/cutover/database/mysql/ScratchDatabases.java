package dev.cutover.database.mysql;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A dump on its way back into a server, with its {@code USE `db`;} lines naming scratch databases
 * instead ({@code --no-create-db} dumps say nothing else about which database a table belongs to), so
 * the snapshot restores next to the live data, never over it. Copies everything else untouched; holds
 * one 64 KiB buffer.
 */
final class ScratchDatabases extends InputStream {

    private static final byte[] USE = "USE `".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_USE_LINE = 1024;

    private final InputStream in;
    private final Map<String, String> scratchNames;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private boolean lineStart = true;
    private byte[] pending;
    private int pendingPosition;

    /** @param scratchNames each database of the dump and the scratch database it goes into */
    ScratchDatabases(InputStream in, Map<String, String> scratchNames) {
        this.in = in;
        this.scratchNames = Map.copyOf(scratchNames);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] out, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (pending != null) {
            int n = Math.min(length, pending.length - pendingPosition);
            System.arraycopy(pending, pendingPosition, out, offset, n);
            pendingPosition += n;
            if (pendingPosition == pending.length) {
                pending = null;
            }
            return n;
        }
        if (lineStart) {
            if (!ensure(USE.length)) {
                return copy(out, offset, length);
            }
            lineStart = false;
            if (startsWithUse()) {
                pending = rewrite(useLine());
                pendingPosition = 0;
                lineStart = true;
                return read(out, offset, length);
            }
        }
        return copy(out, offset, length);
    }

    /** Copies up to the end of the current line at most, so the next line's start is seen. */
    private int copy(byte[] out, int offset, int length) throws IOException {
        if (position == limit && !ensure(1)) {
            return -1;
        }
        int end = Math.min(limit, position + length);
        for (int i = position; i < end; i++) {
            if (buffer[i] == '\n') {
                end = i + 1;
                lineStart = true;
                break;
            }
        }
        int n = end - position;
        System.arraycopy(buffer, position, out, offset, n);
        position = end;
        return n;
    }

    private boolean startsWithUse() {
        for (int i = 0; i < USE.length; i++) {
            if (buffer[position + i] != USE[i]) {
                return false;
            }
        }
        return true;
    }

    /** The whole USE line, its newline included, taken out of the buffer. */
    private String useLine() throws IOException {
        int newline = -1;
        while (true) {
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            if (newline >= 0 || limit - position >= MAX_USE_LINE || !ensure(limit - position + 1)) {
                break;
            }
        }
        int end = newline < 0 ? limit : newline + 1;
        String line = new String(buffer, position, end - position, StandardCharsets.UTF_8);
        position = end;
        return line;
    }

    private byte[] rewrite(String line) throws IOException {
        int close = line.indexOf("`;");
        if (close < 0) {
            throw new IOException("unexpected USE line in the dump: " + line.strip());
        }
        String database = line.substring(USE.length, close).replace("``", "`");
        String scratch = scratchNames.get(database);
        if (scratch == null) {
            throw new IOException("the dump switches to database `" + database + "`, which is not among the snapshot's "
                    + scratchNames.keySet());
        }
        return ("USE `" + scratch.replace("`", "``") + line.substring(close)).getBytes(StandardCharsets.UTF_8);
    }

    /** Makes at least {@code count} bytes available from {@code position}; false when the data ends first. */
    private boolean ensure(int count) throws IOException {
        if (limit - position >= count) {
            return true;
        }
        System.arraycopy(buffer, position, buffer, 0, limit - position);
        limit -= position;
        position = 0;
        while (limit < count) {
            int n = in.read(buffer, limit, buffer.length - limit);
            if (n < 0) {
                return false;
            }
            limit += n;
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
