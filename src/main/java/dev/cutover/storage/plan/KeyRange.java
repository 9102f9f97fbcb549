package dev.cutover.storage.plan;

import dev.cutover.storage.KeyOrder;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.StoredObject;
import java.util.Iterator;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One range of the target listing, (start, end], read on its own thread: the store's listing after
 * {@code start}, filtered, up to the range's end. The end key itself ends the range without pulling
 * another key (which could cost a page request); the first key past the end is dropped, the next
 * range lists it. The range's end may become known only while it is listed ({@link SplitKeys}).
 */
final class KeyRange extends LookaheadIterator<StoredObject> implements AutoCloseable {

    private final Listing listing;
    private final int index;
    private final String start;
    private final SplitKeys splits;
    private final Predicate<String> filter;
    private Stream<StoredObject> stream;
    private Iterator<StoredObject> listed;
    private boolean endKnown;
    private String end;
    /** A source key already read: listed keys up to it are inside the range, even while its end is unknown. */
    private String sourceRead;
    private String previousKey;
    private boolean finished;
    private volatile boolean ranOut;

    KeyRange(Listing listing, int index, String start, SplitKeys splits, Predicate<String> filter) {
        this.listing = listing;
        this.index = index;
        this.start = start;
        this.previousKey = start;
        this.splits = splits;
        this.filter = filter;
    }

    int index() {
        return index;
    }

    /** Exclusive; null for the beginning. */
    String start() {
        return start;
    }

    /** Whether the listing ended inside the range: the store has no key after it, later ranges are empty. */
    boolean ranOut() {
        return ranOut;
    }

    @Override
    public boolean hasNext() {
        if (listed == null) {
            stream = listing.after(start);
            listed = stream.iterator();
        }
        while (next == null && !finished) {
            if (!listed.hasNext()) {
                finished = true;
                ranOut = true;
                break;
            }
            StoredObject object = listed.next();
            String key = object.key();
            // Ranges are cut by key, so a misordered listing would lose keys at their edges, not just misplace them.
            if (previousKey != null && KeyOrder.compare(key, previousKey) <= 0) {
                throw new ObjectStoreException(ObjectStoreException.Reason.OTHER, "a listing is not in key order: '"
                        + key + "' came after '" + previousKey + "'; a plan from it would be wrong");
            }
            previousKey = key;
            int place = place(key);
            if (place > 0) {
                finished = true;
                break;
            }
            finished = place == 0;
            if (filter.test(key)) {
                next = object;
            }
        }
        return next != null;
    }

    /** Negative inside the range, zero at its end key, positive past it. */
    private int place(String key) {
        if (!endKnown) {
            if (sourceRead != null && KeyOrder.compare(key, sourceRead) <= 0) {
                return -1;
            }
            SplitKeys.Progress progress;
            try {
                progress = splits.await(index, key);
            } catch (InterruptedException closed) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("closed while listing a target range", closed);
            }
            if (!progress.endKnown()) {
                sourceRead = progress.sourceRead();
                return -1;
            }
            endKnown = true;
            end = progress.end();
        }
        return end == null ? -1 : KeyOrder.compare(key, end);
    }

    @Override
    public void close() {
        if (stream != null) {
            stream.close();
        }
    }
}
