package dev.cutover.storage.plan;

import dev.cutover.storage.KeyOrder;
import dev.cutover.storage.StoredObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Predicate;

/**
 * The target listing as consecutive key ranges ({@link SplitKeys}), up to {@code parallel} of them
 * listed at the same time, each on its own thread into a buffer of one range, and read in order as
 * one listing. A range opens as soon as its start is known. The merge-join asks only for the next
 * target object up to its current source key, so it never waits for a range whose start the source
 * read-ahead has not reached (which could wait on the merge-join itself).
 */
final class TargetRanges implements AutoCloseable {

    static final String THREAD = "plan-target-range";

    private final Listing target;
    private final Predicate<String> filter;
    private final SplitKeys splits;
    private final int parallel;
    private final int buffer;
    private final Deque<Range> open = new ArrayDeque<>();
    private int opened;
    /** No range left to open: the bounds ran out, or a range's listing found the end of the store. */
    private boolean done;
    private StoredObject head;

    private record Range(KeyRange keys, PrefetchingIterator<StoredObject> read) {
    }

    TargetRanges(Listing target, Predicate<String> filter, SplitKeys splits, int parallel, int buffer) {
        this.target = target;
        this.filter = filter;
        this.splits = splits;
        this.parallel = parallel;
        this.buffer = buffer;
    }

    /**
     * The next target object if its key is at most {@code bound} (any key when null), without taking
     * it; null when there is none up to the bound.
     */
    StoredObject peek(String bound) {
        while (head == null) {
            openAhead();
            Range first = open.peekFirst();
            if (first == null) {
                // Nothing left, or the next range starts at a bound not read yet, i.e. after the source key given.
                return null;
            }
            String start = first.keys().start();
            if (bound != null && start != null && KeyOrder.compare(start, bound) >= 0) {
                return null;
            }
            if (first.read().hasNext()) {
                head = first.read().next();
            } else {
                open.removeFirst();
                first.read().close();
                splits.release(first.keys().index() + 1);
                done |= first.keys().ranOut();
            }
        }
        return bound == null || KeyOrder.compare(head.key(), bound) <= 0 ? head : null;
    }

    /** Takes the object {@link #peek} returned. */
    void advance() {
        head = null;
    }

    private void openAhead() {
        while (!done && open.size() < parallel) {
            boolean ended = splits.ended(); // first: once ended, the count of bounds is final
            if (opened < splits.known()) {
                KeyRange keys = new KeyRange(target, opened, splits.bound(opened), splits, filter);
                open.addLast(new Range(keys, new PrefetchingIterator<>(keys, buffer, THREAD)));
                opened++;
            } else {
                done = ended;
                return;
            }
        }
    }

    /** Stops every range thread; each closes its listing as it ends. */
    @Override
    public void close() {
        done = true;
        open.forEach(range -> range.read().close());
        open.clear();
    }
}
