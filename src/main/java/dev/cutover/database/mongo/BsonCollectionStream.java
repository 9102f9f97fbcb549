package dev.cutover.database.mongo;

import com.mongodb.client.MongoCursor;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.bson.RawBsonDocument;

/**
 * A collection as the bytes of a mongodump {@code .bson} file: every document's raw BSON one after
 * the other (each starts with its own little-endian int32 length), read from the cursor as the stream
 * is consumed, so one batch of documents is in memory at a time. Counts what it handed out.
 */
final class BsonCollectionStream extends InputStream {

    private final MongoCursor<RawBsonDocument> cursor;
    private ByteBuffer current = ByteBuffer.allocate(0);
    private long documents;

    BsonCollectionStream(MongoCursor<RawBsonDocument> cursor) {
        this.cursor = cursor;
    }

    long documents() {
        return documents;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        while (!current.hasRemaining()) {
            if (!cursor.hasNext()) {
                return -1;
            }
            current = cursor.next().getByteBuffer().asNIO();
            documents++;
        }
        int n = Math.min(length, current.remaining());
        current.get(buffer, offset, n);
        return n;
    }

    @Override
    public void close() {
        cursor.close();
    }
}
