package dev.cutover.database.mongo;

import java.time.Instant;
import java.util.Comparator;
import org.bson.BsonTimestamp;
import org.bson.Document;

/**
 * A point in the replica set's oplog: election term and timestamp. Compared by term, then
 * timestamp, as MongoDB compares optimes; equal optimes mean the member has applied everything.
 */
record OpTime(long term, BsonTimestamp ts) implements Comparable<OpTime> {

    private static final Comparator<OpTime> ORDER = Comparator.comparingLong(OpTime::term).thenComparing(OpTime::ts);

    /** Reads {@code {ts: Timestamp, t: NumberLong}}; null when absent (arbiters, unreachable members). */
    static OpTime of(Object optime) {
        if (!(optime instanceof Document document) || !(document.get("ts") instanceof BsonTimestamp ts)) {
            return null;
        }
        Object term = document.get("t");
        return new OpTime(term instanceof Number number ? number.longValue() : -1, ts);
    }

    Instant wallTime() {
        return Instant.ofEpochSecond(ts.getTime());
    }

    @Override
    public int compareTo(OpTime other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return ts.getTime() + ":" + ts.getInc() + " (term " + term + ")";
    }
}
