package dev.cutover.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.CRC32C;

/** CRC32C in the format GCS and S3 exchange it: base64 of the 4 big-endian bytes. */
public final class Crc32c {

    private Crc32c() {
    }

    public static String of(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return encode(crc.getValue());
    }

    public static String encode(long value) {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) value).array());
    }

    public static long decode(String base64) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(Base64.getDecoder().decode(base64)).getInt());
    }

    /** A stream that computes the CRC32C of every byte read through it. */
    public static final class Computing extends FilterInputStream {

        private final CRC32C crc = new CRC32C();
        private long count;

        public Computing(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                crc.update(b);
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                crc.update(buffer, offset, n);
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) {
            throw new UnsupportedOperationException("a checksummed stream must be read, not skipped");
        }

        public String crc32c() {
            return encode(crc.getValue());
        }

        public long count() {
            return count;
        }
    }
}
