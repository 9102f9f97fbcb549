package dev.cutover.storage.plan;

import dev.cutover.storage.KeyOrder;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.StoredObject;
import java.util.stream.Stream;

/** Opens a store's listing of the keys after any key (all keys for null), in {@link KeyOrder}. */
@FunctionalInterface
interface Listing {

    Stream<StoredObject> after(String startAfter);

    static Listing of(ObjectStore store) {
        return startAfter -> store.list("", startAfter);
    }

    /** The store's listing up to the span's end: it stops pulling pages at the first key past it. */
    static Listing of(ObjectStore store, KeySpan span) {
        return startAfter -> store.list("", startAfter).takeWhile(object -> !span.beyond(object.key()));
    }
}
