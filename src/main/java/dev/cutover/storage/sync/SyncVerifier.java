package dev.cutover.storage.sync;

import dev.cutover.storage.KeyOrder;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.StoredObject;
import dev.cutover.storage.plan.KeyFilter;
import dev.cutover.storage.plan.SyncPlanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Compares every object of source and target after a sync: counts and bytes per top-level
 * prefix, and per object the size and the target's OWN CRC32C (what the target computed over the
 * bytes it holds, looked up where its listing lacks it) against the source's. A checksum that
 * cannot be established on either side is a mismatch. Extra target objects are reported but are
 * not a failure. A target object whose listing shows the version {@link TargetVersions} remembers
 * (from the put that wrote it or an earlier stat) is compared with the remembered CRC32C, not stat-ed.
 */
final class SyncVerifier {

    static final String MISSING = "MISSING_ON_TARGET";
    static final String SIZE = "SIZE_DIFFERS";
    static final String CHECKSUM = "CHECKSUM_DIFFERS";
    static final String UNKNOWN = "CHECKSUM_UNKNOWN";
    static final String EXTRA = "EXTRA_ON_TARGET";
    private static final int WINDOW = 256;

    /** What a verification found. */
    record Result(long sourceObjects, long sourceBytes, long targetObjects, long targetBytes, long failures, long extra,
                  List<SyncRunRepository.PrefixCount> prefixes) {

        boolean clean() {
            return failures == 0;
        }
    }

    private SyncVerifier() {
    }

    /** Asked between keys with how many were compared; ends the verification by throwing. */
    @FunctionalInterface
    interface Checkpoint<E extends Exception> {
        void reached(long keys) throws E;
    }

    static Result verify(ObjectStore source, ObjectStore target, KeyFilter filter, Executor lookups,
                         Consumer<SyncRunRepository.Mismatch> report) {
        return verify(source, target, filter, lookups, report, keys -> { }, key -> { });
    }

    /**
     * As {@link #verify(ObjectStore, ObjectStore, KeyFilter, Executor, Consumer)}, asking {@code checkpoint} between
     * keys and telling {@code sourceKeys} each source key in key order.
     */
    static <E extends Exception> Result verify(ObjectStore source, ObjectStore target, KeyFilter filter, Executor lookups,
                                               Consumer<SyncRunRepository.Mismatch> report, Checkpoint<E> checkpoint,
                                               Consumer<String> sourceKeys)
            throws E {
        Map<String, long[]> prefixes = new TreeMap<>(KeyOrder.UTF8_BINARY);
        long[] totals = new long[6];
        try (Stream<SyncPlanner.Pair> pairs = SyncPlanner.pairs(source, target, null, filter)) {
            List<StoredObject[]> window = new ArrayList<>();
            long keys = 0;
            for (var joined = pairs.iterator(); joined.hasNext(); keys++) {
                checkpoint.reached(keys);
                SyncPlanner.Pair next = joined.next();
                StoredObject[] pair = { next.source(), next.target() };
                if (pair[0] != null) {
                    sourceKeys.accept(pair[0].key());
                }
                count(prefixes, totals, pair);
                window.add(pair);
                if (window.size() == WINDOW) {
                    check(window, target, lookups, report, totals, checkpoint, keys);
                }
            }
            check(window, target, lookups, report, totals, checkpoint, keys);
        }
        List<SyncRunRepository.PrefixCount> counts = new ArrayList<>();
        prefixes.forEach((prefix, c) -> counts.add(new SyncRunRepository.PrefixCount(prefix, c[0], c[1], c[2], c[3])));
        return new Result(totals[0], totals[1], totals[2], totals[3], totals[4], totals[5], counts);
    }

    private static void count(Map<String, long[]> prefixes, long[] totals, StoredObject[] pair) {
        String key = pair[0] != null ? pair[0].key() : pair[1].key();
        int slash = key.indexOf('/');
        long[] counts = prefixes.computeIfAbsent(slash < 0 ? "" : key.substring(0, slash + 1), p -> new long[4]);
        if (pair[0] != null) {
            counts[0]++;
            counts[1] += pair[0].size();
            totals[0]++;
            totals[1] += pair[0].size();
        }
        if (pair[1] != null) {
            counts[2]++;
            counts[3] += pair[1].size();
            totals[2]++;
            totals[3] += pair[1].size();
        }
    }

    /**
     * Decides a window of pairs, stat-ing targets whose listing has no CRC32C in parallel; asks
     * {@code checkpoint} before each result it waits for (over a slow link a window's stats take seconds).
     */
    private static <E extends Exception> void check(List<StoredObject[]> window, ObjectStore target, Executor lookups,
                                                    Consumer<SyncRunRepository.Mismatch> report, long[] totals,
                                                    Checkpoint<E> checkpoint, long keysBefore) throws E {
        List<CompletableFuture<SyncRunRepository.Mismatch>> found = new ArrayList<>();
        for (StoredObject[] pair : window) {
            StoredObject src = pair[0];
            StoredObject dst = pair[1];
            java.util.Optional<StoredObject> known = dst != null && dst.crc32c() == null
                    ? TargetVersions.shared().known(target, dst) : java.util.Optional.empty();
            if (known.isPresent()) {
                found.add(CompletableFuture.completedFuture(compare(src, known.get())));
            } else if (dst != null && src != null && dst.crc32c() == null && dst.size() == src.size()) {
                found.add(CompletableFuture.supplyAsync(() -> {
                    StoredObject stated = target.stat(dst.key()).orElse(dst);
                    TargetVersions.shared().remember(target, stated);
                    return compare(src, stated);
                }, lookups));
            } else {
                found.add(CompletableFuture.completedFuture(compare(src, dst)));
            }
        }
        long decided = keysBefore - window.size();
        for (CompletableFuture<SyncRunRepository.Mismatch> mismatch : found) {
            checkpoint.reached(decided++);
            SyncRunRepository.Mismatch m = mismatch.join();
            if (m != null) {
                report.accept(m);
                if (EXTRA.equals(m.kind())) {
                    totals[5]++;
                } else {
                    totals[4]++;
                }
            }
        }
        window.clear();
    }

    static SyncRunRepository.Mismatch compare(StoredObject source, StoredObject target) {
        if (target == null) {
            return new SyncRunRepository.Mismatch(source.key(), MISSING, source.size(), null, source.crc32c(), null);
        }
        if (source == null) {
            return new SyncRunRepository.Mismatch(target.key(), EXTRA, null, target.size(), null, target.crc32c());
        }
        String kind = source.size() != target.size() ? SIZE
                : source.crc32c() == null || target.crc32c() == null ? UNKNOWN
                : !source.crc32c().equals(target.crc32c()) ? CHECKSUM : null;
        return kind == null ? null : new SyncRunRepository.Mismatch(source.key(), kind, source.size(), target.size(),
                source.crc32c(), target.crc32c());
    }
}
