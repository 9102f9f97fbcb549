package dev.cutover.database.mongo;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.bson.RawBsonDocument;

/** Reads a {@code .bson} stream back document by document (length-prefixed), never the whole of it. */
final class BsonDocuments implements Iterator<RawBsonDocument> {

    /** MongoDB's own limit is 16 MiB per document; a length beyond this is corruption, not data. */
    private static final int MAX_DOCUMENT = 48 * 1024 * 1024;

    private final InputStream in;
    private final String where;
    private RawBsonDocument next;
    private boolean ended;

    BsonDocuments(InputStream in, String where) {
        this.in = in;
        this.where = where;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !ended) {
            next = readOne();
            ended = next == null;
        }
        return next != null;
    }

    @Override
    public RawBsonDocument next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        RawBsonDocument document = next;
        next = null;
        return document;
    }

    private RawBsonDocument readOne() {
        try {
            byte[] header = in.readNBytes(4);
            if (header.length == 0) {
                return null;
            }
            if (header.length < 4) {
                throw new EOFException(where + ": the data ends inside a document's length");
            }
            int length = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (length < 5 || length > MAX_DOCUMENT) {
                throw new IOException(where + ": a document claims " + length + " bytes: the file is corrupt");
            }
            byte[] document = new byte[length];
            System.arraycopy(header, 0, document, 0, 4);
            if (in.readNBytes(document, 4, length - 4) < length - 4) {
                throw new EOFException(where + ": the data ends inside a document");
            }
            return new RawBsonDocument(document);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
