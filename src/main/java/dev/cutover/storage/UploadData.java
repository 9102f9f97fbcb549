package dev.cutover.storage;

import dev.cutover.storage.ObjectStoreException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the announced number of bytes of a put from the caller's stream, failing clearly when it ends early. */
public final class UploadData {

    private UploadData() {
    }

    /** Fills {@code buffer[0, length)}; {@code offset} and {@code size} only serve the messages. */
    public static void readFully(InputStream data, byte[] buffer, int length, long offset, long size, String where) {
        int filled = 0;
        try {
            while (filled < length) {
                int n = data.read(buffer, filled, length - filled);
                if (n < 0) {
                    throw new ObjectStoreException(Reason.OTHER, where + ": the data ended after "
                            + (offset + filled) + " of the announced " + size + " bytes");
                }
                filled += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(where + ": reading the data to upload failed after "
                    + (offset + filled) + " bytes", e);
        }
    }
}
