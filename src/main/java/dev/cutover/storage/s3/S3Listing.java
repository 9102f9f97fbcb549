package dev.cutover.storage.s3;

import dev.cutover.storage.BucketKeys;
import dev.cutover.storage.KeyOrder;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.StoredObject;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * ListObjectsV2, one page fetched each time the stream runs out of the previous one. Checks that keys
 * come in {@link KeyOrder} (S3's order) so that a merge-join never runs on a misordered listing.
 */
final class S3Listing {

    private final S3Client s3;
    private final BucketKeys keys;
    private final int pageSize;
    /** What to do with each page before it is handed out (e.g. fetch checksums); identity by default. */
    private final UnaryOperator<List<StoredObject>> pageEnricher;

    S3Listing(S3Client s3, BucketKeys keys, int pageSize, UnaryOperator<List<StoredObject>> pageEnricher) {
        this.s3 = s3;
        this.keys = keys;
        this.pageSize = pageSize;
        this.pageEnricher = pageEnricher;
    }

    Stream<StoredObject> list(String prefix, String startAfter) {
        ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
                .bucket(keys.bucket())
                .prefix(keys.namePrefix(prefix))
                .maxKeys(pageSize)
                // Keys travel URL-encoded (XML 1.0 cannot carry every character a key may hold); the SDK
                // decodes them again.
                .encodingType(EncodingType.URL);
        if (startAfter != null && !startAfter.isEmpty()) {
            request.startAfter(keys.namePrefix(startAfter));
        }
        Iterator<StoredObject> objects = new Objects(s3.listObjectsV2Paginator(request.build()).iterator(),
                keys.describe() + (prefix == null ? "" : prefix));
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(objects,
                Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT), false);
    }

    private final class Objects implements Iterator<StoredObject> {

        private final Iterator<ListObjectsV2Response> pages;
        private final String where;
        private Iterator<StoredObject> page = Collections.emptyIterator();
        private String previousKey;

        Objects(Iterator<ListObjectsV2Response> pages, String where) {
            this.pages = pages;
            this.where = where;
        }

        @Override
        public boolean hasNext() {
            while (!page.hasNext()) {
                ListObjectsV2Response next;
                try {
                    if (!pages.hasNext()) {
                        return false;
                    }
                    next = pages.next();
                } catch (RuntimeException e) {
                    throw S3Errors.translate("listing " + where, e);
                }
                List<StoredObject> objects = next.contents().stream()
                        .map(listed -> S3ObjectMapping.fromListing(keys.key(listed.key()), listed))
                        .toList();
                page = pageEnricher.apply(objects).iterator();
            }
            return true;
        }

        @Override
        public StoredObject next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            StoredObject object = page.next();
            KeyOrder.requireAscending(previousKey, object.key(), where, "S3's");
            previousKey = object.key();
            return object;
        }
    }
}
