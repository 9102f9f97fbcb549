package dev.cutover.storage;

import java.util.stream.Stream;

/** Opens a store's listing of the keys after any key (all keys for null), in {@link KeyOrder}. */
@FunctionalInterface
interface Listing {

    Stream<StoredObject> after(String startAfter);

    static Listing of(ObjectStore store) {
        return startAfter -> store.list("", startAfter);
    }
}
