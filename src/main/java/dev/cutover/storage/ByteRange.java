package dev.cutover.storage;

/** Bytes {@code first} to {@code last}, both included, as in an HTTP Range header. */
public record ByteRange(long first, long last) {

    public ByteRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("bad byte range " + first + "-" + last);
        }
    }

    public long length() {
        return last - first + 1;
    }
}
