package dev.cutover.storage.gcs;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobField;
import com.google.cloud.storage.Storage.BlobListOption;
import dev.cutover.storage.BucketKeys;
import dev.cutover.storage.KeyOrder;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.StoredObject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * objects.list, one page fetched each time the stream runs out of the previous one (the first when the
 * stream is first pulled). GCS listings carry each object's CRC32C, MD5, generation and user metadata, so a
 * delta plan needs no request per object. {@code startAfter} is exclusive and GCS's {@code startOffset}
 * inclusive: the key equal to it is dropped. Keys are checked to come in {@link KeyOrder} (GCS's order), so
 * a merge-join never runs on a misordered listing.
 */
final class GcsListing {

    /** Only what a {@link StoredObject} needs (the library adds nextPageToken and prefixes itself). */
    private static final BlobField[] FIELDS = {BlobField.NAME, BlobField.SIZE, BlobField.CRC32C, BlobField.MD5HASH,
            BlobField.GENERATION, BlobField.UPDATED, BlobField.METADATA};

    private final Storage storage;
    private final BucketKeys keys;
    private final int pageSize;

    GcsListing(Storage storage, BucketKeys keys, int pageSize) {
        this.storage = storage;
        this.keys = keys;
        this.pageSize = pageSize;
    }

    Stream<StoredObject> list(String prefix, String startAfter) {
        List<BlobListOption> options = new ArrayList<>(List.of(BlobListOption.pageSize(pageSize),
                BlobListOption.fields(FIELDS)));
        String namePrefix = keys.namePrefix(prefix);
        if (!namePrefix.isEmpty()) {
            options.add(BlobListOption.prefix(namePrefix));
        }
        String after = startAfter == null || startAfter.isEmpty() ? null : keys.namePrefix(startAfter);
        if (after != null) {
            options.add(BlobListOption.startOffset(after));
        }
        ListedObjects objects = new ListedObjects(options.toArray(BlobListOption[]::new), after,
                keys.describe() + (prefix == null ? "" : prefix));
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(objects,
                Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT), false);
    }

    private final class ListedObjects implements Iterator<StoredObject> {

        private final BlobListOption[] options;
        private final String after;
        private final String where;
        private Iterator<Blob> blobs;
        private StoredObject next;
        private String previousKey;

        ListedObjects(BlobListOption[] options, String after, String where) {
            this.options = options;
            this.after = after;
            this.where = where;
        }

        @Override
        public boolean hasNext() {
            while (next == null) {
                Blob blob;
                try {
                    if (blobs == null) {
                        blobs = storage.list(keys.bucket(), options).iterateAll().iterator();
                    }
                    if (!blobs.hasNext()) {
                        return false;
                    }
                    blob = blobs.next();
                } catch (RuntimeException e) {
                    throw GcsErrors.translate("listing " + where, e);
                }
                if (!blob.getName().equals(after)) {
                    next = GcsObjectMapping.toStoredObject(keys.key(blob.getName()), blob);
                }
            }
            return true;
        }

        @Override
        public StoredObject next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            StoredObject object = next;
            next = null;
            KeyOrder.requireAscending(previousKey, object.key(), where, "GCS's");
            previousKey = object.key();
            return object;
        }
    }
}
