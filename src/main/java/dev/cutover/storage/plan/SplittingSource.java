package dev.cutover.storage.plan;

import dev.cutover.storage.StoredObject;
import java.util.Iterator;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The source listing, filtered, telling {@link SplitKeys} each key as it is read (on the source's
 * read-ahead thread, before the key is queued) so that target ranges can be cut from it.
 * Opens its listing on the first pull; closing it ends the bounds.
 */
final class SplittingSource extends LookaheadIterator<StoredObject> implements AutoCloseable {

    private final Supplier<Stream<StoredObject>> open;
    private final Predicate<String> filter;
    private final SplitKeys splits;
    private Stream<StoredObject> listing;
    private Iterator<StoredObject> listed;

    SplittingSource(Supplier<Stream<StoredObject>> open, Predicate<String> filter, SplitKeys splits) {
        this.open = open;
        this.filter = filter;
        this.splits = splits;
    }

    @Override
    public boolean hasNext() {
        if (listed == null) {
            listing = open.get();
            listed = listing.iterator();
        }
        while (next == null) {
            if (!listed.hasNext()) {
                splits.end();
                return false;
            }
            StoredObject object = listed.next();
            boolean passes = filter.test(object.key());
            splits.read(object.key(), passes);
            if (passes) {
                next = object;
            }
        }
        return true;
    }

    @Override
    public void close() {
        splits.end(); // a failed or closed source must not leave a range thread waiting for its end
        if (listing != null) {
            listing.close();
        }
    }
}
