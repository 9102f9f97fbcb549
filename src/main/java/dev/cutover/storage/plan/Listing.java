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
}
