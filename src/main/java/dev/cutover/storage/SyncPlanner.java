package dev.cutover.storage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
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
 * CHANGED, UNCHANGED or EXTRA_ON_TARGET, decided as both listings advance. The two listings are
 * read ahead at the same time, a page each. Memory holds those pages and one window of pairs (for
 * looking up target details in parallel), never a listing.
 */
public final class SyncPlanner {

    /** Pairs decided together; also the number of target lookups that may run at once. */
    static final int WINDOW = 256;
    /** Objects each listing may be read ahead: about one page. */
    static final int PREFETCH = 1000;

    private SyncPlanner() {
    }

    /**
     * @param source        the source listing, in key order
     * @param target        the target listing, in key order
     * @param filter        keys outside it are left out on both sides
     * @param targetDetails a stat of the target, used when its listing lacks checksums (S3)
     * @param lookups       where target stats run, {@link #WINDOW} at a time at most
     */
    public static Stream<PlannedObject> plan(Stream<StoredObject> source, Stream<StoredObject> target,
                                             Predicate<String> filter,
                                             Function<String, Optional<StoredObject>> targetDetails, Executor lookups) {
        Stream<Pair> pairs = pairs(source, target, filter);
        Iterator<PlannedObject> planned = new Decided(pairs.iterator(), targetDetails, lookups);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(planned, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(pairs::close);
    }

    /**
     * The merge-join alone: each key of either listing (inside {@code filter}) with its object on
     * each side, in key order; both listings read ahead at the same time. A listing out of key
     * order fails the stream. Used by the plan and by verification.
     */
    public static Stream<Pair> pairs(Stream<StoredObject> source, Stream<StoredObject> target, Predicate<String> filter) {
        PrefetchingIterator<StoredObject> sources = new PrefetchingIterator<>(
                source.filter(o -> filter.test(o.key())).iterator(), PREFETCH, "plan-source-listing");
        PrefetchingIterator<StoredObject> targets = new PrefetchingIterator<>(
                target.filter(o -> filter.test(o.key())).iterator(), PREFETCH, "plan-target-listing");
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(new MergeJoin(sources, targets),
                        Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(sources::close)
                .onClose(targets::close)
                .onClose(source::close)
                .onClose(target::close);
    }

    /** Source and target object of one key; either may be null. */
    public record Pair(StoredObject source, StoredObject target) {

        public String key() {
            return source != null ? source.key() : target.key();
        }
    }

    /** Walks both sorted listings at once, pairing equal keys. */
    static final class MergeJoin implements Iterator<Pair> {

        private final Iterator<StoredObject> sources;
        private final Iterator<StoredObject> targets;
        private StoredObject source;
        private StoredObject target;
        private String lastKey;

        MergeJoin(Iterator<StoredObject> sources, Iterator<StoredObject> targets) {
            this.sources = sources;
            this.targets = targets;
            this.source = sources.hasNext() ? sources.next() : null;
            this.target = targets.hasNext() ? targets.next() : null;
        }

        @Override
        public boolean hasNext() {
            return source != null || target != null;
        }

        @Override
        public Pair next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int order = source == null ? 1 : target == null ? -1 : KeyOrder.compare(source.key(), target.key());
            Pair pair = order < 0 ? new Pair(source, null) : order > 0 ? new Pair(null, target) : new Pair(source, target);
            String key = pair.source() != null ? pair.source().key() : pair.target().key();
            if (lastKey != null && KeyOrder.compare(key, lastKey) <= 0) {
                throw new ObjectStoreException(ObjectStoreException.Reason.OTHER, "a listing is not in key order: '"
                        + key + "' came after '" + lastKey + "'; a plan from it would be wrong");
            }
            lastKey = key;
            if (order <= 0) {
                source = sources.hasNext() ? sources.next() : null;
            }
            if (order >= 0) {
                target = targets.hasNext() ? targets.next() : null;
            }
            return pair;
        }
    }

    /** Decides pairs a window at a time, looking up target details in parallel where listings lack them. */
    static final class Decided implements Iterator<PlannedObject> {

        private final Iterator<Pair> pairs;
        private final Function<String, Optional<StoredObject>> targetDetails;
        private final Executor lookups;
        private Iterator<PlannedObject> window = java.util.Collections.emptyIterator();

        Decided(Iterator<Pair> pairs, Function<String, Optional<StoredObject>> targetDetails, Executor lookups) {
            this.pairs = pairs;
            this.targetDetails = targetDetails;
            this.lookups = lookups;
        }

        @Override
        public boolean hasNext() {
            if (!window.hasNext() && pairs.hasNext()) {
                window = nextWindow();
            }
            return window.hasNext();
        }

        @Override
        public PlannedObject next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return window.next();
        }

        private Iterator<PlannedObject> nextWindow() {
            List<CompletableFuture<PlannedObject>> decided = new ArrayList<>(WINDOW);
            while (pairs.hasNext() && decided.size() < WINDOW) {
                decided.add(decide(pairs.next()));
            }
            return decided.stream().map(CompletableFuture::join).toList().iterator();
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
