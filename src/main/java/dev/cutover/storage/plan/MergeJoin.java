package dev.cutover.storage.plan;

import dev.cutover.storage.KeyOrder;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.StoredObject;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Walks both sorted listings at once, pairing equal keys. The target is looked at only up to the
 * current source key ({@link TargetRanges#peek}): deciding that a source key has no target needs
 * no more. Fails on a key that does not sort after the one before it.
 */
final class MergeJoin implements Iterator<SyncPlanner.Pair> {

    private final Iterator<StoredObject> sources;
    private final TargetRanges targets;
    private StoredObject source;
    private boolean started;
    private String lastKey;

    MergeJoin(Iterator<StoredObject> sources, TargetRanges targets) {
        this.sources = sources;
        this.targets = targets;
    }

    private StoredObject source() {
        if (!started) {
            source = sources.hasNext() ? sources.next() : null;
            started = true;
        }
        return source;
    }

    @Override
    public boolean hasNext() {
        return source() != null || targets.peek(null) != null;
    }

    @Override
    public SyncPlanner.Pair next() {
        StoredObject source = source();
        StoredObject target = targets.peek(source == null ? null : source.key());
        if (source == null && target == null) {
            throw new NoSuchElementException();
        }
        int order = target == null ? -1 : source == null ? 1 : KeyOrder.compare(source.key(), target.key());
        SyncPlanner.Pair pair = order < 0 ? new SyncPlanner.Pair(source, null)
                : order > 0 ? new SyncPlanner.Pair(null, target) : new SyncPlanner.Pair(source, target);
        String key = pair.key();
        if (lastKey != null && KeyOrder.compare(key, lastKey) <= 0) {
            throw new ObjectStoreException(ObjectStoreException.Reason.OTHER, "a listing is not in key order: '"
                    + key + "' came after '" + lastKey + "'; a plan from it would be wrong");
        }
        lastKey = key;
        if (order <= 0) {
            this.source = sources.hasNext() ? sources.next() : null;
        }
        if (order >= 0) {
            targets.advance();
        }
        return pair;
    }
}
