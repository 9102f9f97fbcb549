package dev.cutover.storage.plan;

import dev.cutover.storage.KeyOrder;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.SeekableListing;
import dev.cutover.storage.StoredObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The sync plan as a streaming merge-join of two listings in {@link KeyOrder}: each key is NEW,
 * CHANGED, UNCHANGED or EXTRA_ON_TARGET, decided as both listings advance. Both listings are read
 * ahead at the same time; a target that lists from any key cheaply ({@link SeekableListing}, e.g.
 * S3 at about 100 ms a page) is listed in key ranges at once, cut from the source listing as it is
 * read ahead, so that a plan is not as slow as the target's pages one after the other. Memory
 * holds the read-ahead (a few pages a side) and one window of pairs (for looking up target details
 * in parallel), never a listing.
 */
public final class SyncPlanner {

    /** Pairs decided together; also the number of target lookups that may run at once. */
    static final int WINDOW = 256;
    /** Objects a listing read in one go may be read ahead: about one page. */
    static final int PREFETCH = 1000;

    /**
     * How the target is listed: a range starts every {@code keys} source keys (0: one range, the
     * whole listing), {@code parallel} ranges listed at once, each buffering up to a range.
     */
    record Ranges(int keys, int parallel) {

        /** A range a page (S3 lists 1000 keys a page): a target like the source costs a request a range. */
        static final Ranges PARALLEL = new Ranges(1000, 4);
        static final Ranges ONE = new Ranges(0, 1);

        /** Deep enough for the source to have cut the ranges to list ahead. */
        int sourceReadAhead() {
            return keys == 0 ? PREFETCH : keys * parallel;
        }

        int rangeBuffer() {
            return keys == 0 ? PREFETCH : keys;
        }
    }

    private SyncPlanner() {
    }

    /**
     * @param source        listed in key order after {@code startAfter}
     * @param target        listed likewise, in parallel key ranges if it is a {@link SeekableListing}
     * @param startAfter    the key to resume after (exclusive), or null for all keys
     * @param filter        keys outside it are left out on both sides
     * @param targetDetails a stat of the target, used when its listing lacks checksums (S3)
     * @param lookups       where target stats run, {@link #WINDOW} at a time at most
     */
    public static Stream<PlannedObject> plan(ObjectStore source, ObjectStore target, String startAfter,
                                             Predicate<String> filter,
                                             Function<String, Optional<StoredObject>> targetDetails, Executor lookups) {
        return decide(pairs(source, target, startAfter, filter), targetDetails, lookups);
    }

    /**
     * The plan of one span of the key space (a partition of a sync), after {@code startAfter} (a checkpoint
     * inside the span, or null for the span's start): both listings stop at the span's end, so a partition
     * lists only its own keys, both sides in parallel as in a whole plan.
     */
    public static Stream<PlannedObject> plan(ObjectStore source, ObjectStore target, KeySpan span, String startAfter,
                                             Predicate<String> filter,
                                             Function<String, Optional<StoredObject>> targetDetails, Executor lookups) {
        return decide(pairs(Listing.of(source, span), Listing.of(target, span), span.resumeAfter(startAfter), filter,
                target instanceof SeekableListing ? Ranges.PARALLEL : Ranges.ONE), targetDetails, lookups);
    }

    /** The plan of two listings given as streams (the target listed in one go), e.g. for tests. */
    public static Stream<PlannedObject> plan(Stream<StoredObject> source, Stream<StoredObject> target,
                                             Predicate<String> filter,
                                             Function<String, Optional<StoredObject>> targetDetails, Executor lookups) {
        return decide(pairs(source, target, filter), targetDetails, lookups);
    }

    private static Stream<PlannedObject> decide(Stream<Pair> pairs, Function<String, Optional<StoredObject>> details,
                                                Executor lookups) {
        Iterator<PlannedObject> planned = new Decided(pairs.iterator(), details, lookups);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(planned,
                        Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(pairs::close);
    }

    /**
     * The merge-join alone: each key of either listing after {@code startAfter} (inside
     * {@code filter}) with its object on each side, in key order. A listing out of key order fails
     * the stream; closing it stops every listing. Used by the plan and by verification.
     */
    public static Stream<Pair> pairs(ObjectStore source, ObjectStore target, String startAfter,
                                     Predicate<String> filter) {
        return pairs(Listing.of(source), Listing.of(target), startAfter, filter,
                target instanceof SeekableListing ? Ranges.PARALLEL : Ranges.ONE);
    }

    /** The merge-join of two listings given as streams, the target read in one go. */
    public static Stream<Pair> pairs(Stream<StoredObject> source, Stream<StoredObject> target,
                                     Predicate<String> filter) {
        return pairs(startAfter -> source, startAfter -> target, null, filter, Ranges.ONE);
    }

    /** The merge-join, the target listed as {@code ranges} says; each listing is opened and closed on its thread. */
    static Stream<Pair> pairs(Listing source, Listing target, String startAfter, Predicate<String> filter,
                              Ranges ranges) {
        SplitKeys splits = new SplitKeys(startAfter, ranges.keys());
        PrefetchingIterator<StoredObject> sources = new PrefetchingIterator<>(
                new SplittingSource(() -> source.after(startAfter), filter, splits), ranges.sourceReadAhead(),
                "plan-source-listing");
        TargetRanges targets = new TargetRanges(target, filter, splits, ranges.parallel(), ranges.rangeBuffer());
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(new MergeJoin(sources, targets),
                        Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(sources::close)
                .onClose(targets::close);
    }

    /** Source and target object of one key; either may be null. */
    public record Pair(StoredObject source, StoredObject target) {

        public String key() {
            return source != null ? source.key() : target.key();
        }
    }

    /** Decides pairs a window at a time, looking up target details in parallel where listings lack them. */
    static final class Decided extends LookaheadIterator<PlannedObject> {

        private final Iterator<Pair> pairs;
        private final Function<String, Optional<StoredObject>> targetDetails;
        private final Executor lookups;
        /** Pairs being decided, in key order; only those whose target needs a lookup take time. */
        private final Deque<CompletableFuture<PlannedObject>> deciding = new ArrayDeque<>();

        Decided(Iterator<Pair> pairs, Function<String, Optional<StoredObject>> targetDetails, Executor lookups) {
            this.pairs = pairs;
            this.targetDetails = targetDetails;
            this.lookups = lookups;
        }

        /**
         * Hands out each pair as soon as it and those before it are decided: a delta's first changes must not
         * wait for the listings to fill a window. Only while the oldest pair waits for its lookup are more
         * pairs taken in, up to {@link #WINDOW}, so that lookups run in parallel.
         */
        @Override
        public boolean hasNext() {
            while (next == null) {
                CompletableFuture<PlannedObject> oldest = deciding.peekFirst();
                boolean takeMore = oldest == null || !oldest.isDone() && deciding.size() < WINDOW;
                if (takeMore && pairs.hasNext()) {
                    deciding.addLast(decide(pairs.next()));
                } else if (oldest == null) {
                    return false;
                } else {
                    next = deciding.removeFirst().join();
                }
            }
            return true;
        }

        private CompletableFuture<PlannedObject> decide(Pair pair) {
            if (pair.target() == null) {
                return CompletableFuture.completedFuture(new PlannedObject(Difference.NEW, pair.source(), null, "not on target"));
            }
            if (pair.source() == null) {
                return CompletableFuture.completedFuture(
                        new PlannedObject(Difference.EXTRA_ON_TARGET, null, pair.target(), "not on source"));
            }
            ObjectComparison.Verdict verdict = ObjectComparison.compare(pair.source(), pair.target());
            if (!verdict.needsTargetDetails()) {
                return CompletableFuture.completedFuture(
                        new PlannedObject(verdict.difference(), pair.source(), pair.target(), verdict.reason()));
            }
            return CompletableFuture.supplyAsync(() -> {
                StoredObject detailed = targetDetails.apply(pair.target().key()).orElse(pair.target());
                ObjectComparison.Verdict second = ObjectComparison.compare(pair.source(), detailed);
                return new PlannedObject(second.difference(), pair.source(), detailed, second.reason());
            }, lookups);
        }
    }
}
