package dev.cutover.storage.plan;

import dev.cutover.testsupport.Api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.cutover.storage.KeyOrder;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.StoredObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The target listed in parallel key ranges cut from the source listing: same pairs, fewer waits, no leaks. */
class ParallelTargetListingTests {

    private static final String ALPHABET = "ab/-~Z\u00e9\u6f22\uFFFD\uD83D\uDE00";

    @Test
    void rangesPairExactlyLikeOneSequentialMergeJoin() {
        Random random = new Random(20_240_611);
        for (int round = 0; round < 300; round++) {
            int size = round % 25 == 0 ? 3_000 + random.nextInt(2_000) : random.nextInt(round % 3 == 0 ? 40 : 600);
            double onSource = random.nextDouble();
            double onTarget = random.nextDouble();
            NavigableMap<String, StoredObject> source = new TreeMap<>(KeyOrder.UTF8_BINARY);
            NavigableMap<String, StoredObject> target = new TreeMap<>(KeyOrder.UTF8_BINARY);
            for (int i = 0; i < size; i++) {
                String key = randomKey(random);
                boolean inSource = random.nextDouble() < onSource;
                if (inSource) {
                    source.put(key, object(key, "s"));
                }
                if (random.nextDouble() < onTarget || inSource && round % 4 == 0) {
                    target.put(key, object(key, random.nextInt(10) == 0 ? "changed" : "s"));
                }
            }
            Predicate<String> filter = switch (round % 4) {
                case 0 -> key -> true;
                case 1 -> key -> !key.contains("Z");
                case 2 -> KeyFilter.of(List.of("a**", "b**"), List.of("**~*"));
                default -> key -> key.hashCode() % 7 != 0;
            };
            String startAfter = round % 3 != 1 ? null
                    : random.nextBoolean() && !source.isEmpty() ? randomElement(random, source.keySet())
                    : randomKey(random);
            SyncPlanner.Ranges ranges = new SyncPlanner.Ranges(1 + random.nextInt(round % 2 == 0 ? 8 : 60),
                    1 + random.nextInt(4));
            boolean jitter = round % 10 == 0;
            String what = "round " + round + ": " + source.size() + " source, " + target.size() + " target, " + ranges
                    + ", after " + startAfter;

            List<SyncPlanner.Pair> expected = fullOuterJoin(source, target, startAfter, filter);
            List<SyncPlanner.Pair> sequential;
            try (Stream<SyncPlanner.Pair> pairs = SyncPlanner.pairs(after(source, startAfter),
                    after(target, startAfter), filter)) {
                sequential = pairs.toList();
            }
            Counted sourceListing = new Counted(source, jitter ? new Random(round) : null);
            Counted targetListing = new Counted(target, jitter ? new Random(-round) : null);
            List<SyncPlanner.Pair> parallel = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                try (Stream<SyncPlanner.Pair> pairs = SyncPlanner.pairs(sourceListing, targetListing, startAfter,
                        filter, ranges)) {
                    return pairs.toList();
                }
            }, what);
            assertThat(sequential).as(what).isEqualTo(expected);
            assertThat(parallel).as(what).isEqualTo(expected);
        }
    }

    @Test
    void aTargetEqualToTheSourceCostsOneListingPerRangeAndNoKeyPastItsEnd() {
        for (int size : new int[] {1_000, 994, 5, 0}) {
            NavigableMap<String, StoredObject> keys = keys(size);
            Counted target = new Counted(keys, null);
            List<SyncPlanner.Pair> pairs;
            try (Stream<SyncPlanner.Pair> stream = SyncPlanner.pairs(new Counted(keys, null), target, null, key -> true,
                    new SyncPlanner.Ranges(7, 4))) {
                pairs = stream.toList();
            }
            assertThat(pairs).hasSize(size)
                    .allMatch(pair -> pair.source() != null && pair.source().equals(pair.target()));
            // Ranges (null, k6], (k6, k13], ...: the 7th, 14th, ... key ends one; the last is open-ended.
            List<String> keyList = new ArrayList<>(keys.keySet());
            List<String> starts = new ArrayList<>();
            starts.add(null);
            for (int i = 6; i < size; i += 7) {
                starts.add(keyList.get(i));
            }
            assertThat(target.opened).as("listings opened for %d keys", size)
                    .containsExactlyInAnyOrderElementsOf(starts);
            for (int range = 0; range < starts.size(); range++) {
                int inRange = Math.min(7, size - 7 * range);
                assertThat(target.pulled(starts.get(range))).as("keys pulled by range %d of %d keys", range, size)
                        .hasValue(inRange);
            }
        }
    }

    @Test
    void aTargetThatEndsEarlyIsNotListedAgainForEveryLaterRange() {
        NavigableMap<String, StoredObject> source = keys(5_000);
        NavigableMap<String, StoredObject> target = new TreeMap<>(source.headMap("data/000010", false));
        Counted targetListing = new Counted(target, null);
        try (Stream<SyncPlanner.Pair> pairs = SyncPlanner.pairs(new Counted(source, null), targetListing, null,
                key -> true, new SyncPlanner.Ranges(7, 4))) {
            assertThat(pairs.filter(pair -> pair.target() != null).count()).isEqualTo(10);
        }
        // The second range's listing ran out: the store has nothing after it, so no later range is listed.
        assertThat(targetListing.opened).hasSizeLessThanOrEqualTo(2 + 4);
    }

    @Test
    void aRangeListingThatFailsFailsThePairsWithItsException() {
        NavigableMap<String, StoredObject> keys = keys(500);
        String failingStart = new ArrayList<>(keys.keySet()).get(7 * 30 - 1);
        ObjectStoreException failure = new ObjectStoreException(ObjectStoreException.Reason.OTHER, "listing broke");
        Counted target = new Counted(keys, null) {
            @Override
            public Stream<StoredObject> after(String startAfter) {
                Stream<StoredObject> listed = super.after(startAfter);
                if (!failingStart.equals(startAfter)) {
                    return listed;
                }
                Iterator<StoredObject> objects = listed.iterator();
                return stream(new Iterator<>() {
                    private int given;

                    @Override
                    public boolean hasNext() {
                        return objects.hasNext();
                    }

                    @Override
                    public StoredObject next() {
                        if (++given == 3) {
                            throw failure;
                        }
                        return objects.next();
                    }
                }).onClose(listed::close);
            }
        };
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (Stream<SyncPlanner.Pair> pairs = SyncPlanner.pairs(new Counted(keys, null), target, null, key -> true,
                    new SyncPlanner.Ranges(7, 4))) {
                assertThatThrownBy(pairs::toList).isSameAs(failure);
            }
        });
        awaitNoPlanThreads();
        assertThat(target.closed).hasValue(target.opened.size());
    }

    @Test
    void closingMidwayStopsEveryRangeThreadAndClosesItsListing() {
        NavigableMap<String, StoredObject> keys = keys(50_000);
        Counted source = new Counted(keys, null);
        Counted target = new Counted(keys, null);
        Stream<SyncPlanner.Pair> pairs = SyncPlanner.pairs(source, target, null, key -> true,
                new SyncPlanner.Ranges(7, 4));
        Iterator<SyncPlanner.Pair> iterator = pairs.iterator();
        for (int i = 0; i < 1_000; i++) {
            iterator.next();
        }
        assertThat(liveThreads(TargetRanges.THREAD)).isPositive();
        pairs.close();
        awaitNoPlanThreads();
        assertThat(target.opened.size()).isLessThan(1_000 / 7 + 10);
        assertThat(target.closed).hasValue(target.opened.size());
        assertThat(source.closed).hasValue(1);
    }

    @Test
    void manyExtraKeysInOneRangeAreNotBufferedWhole() {
        NavigableMap<String, StoredObject> source = keys(100);
        String first = source.firstKey();
        // The first range holds 10 million extra keys on the target, listed only as they are pulled.
        Counted target = new Counted(source, null) {
            @Override
            public Stream<StoredObject> after(String startAfter) {
                if (startAfter != null) {
                    return super.after(startAfter);
                }
                opened.add(null);
                Stream<StoredObject> extra = IntStream.range(0, 10_000_000)
                        .mapToObj(i -> object(first + String.format("/x%08d", i), "extra"));
                AtomicInteger pulled = pulled(null);
                return Stream.concat(Stream.concat(Stream.of(source.firstEntry().getValue()), extra),
                        source.tailMap(first, false).values().stream()).peek(o -> pulled.incrementAndGet())
                        .onClose(closed::incrementAndGet);
            }
        };
        try (Stream<SyncPlanner.Pair> pairs = SyncPlanner.pairs(new Counted(source, null), target, null, key -> true,
                new SyncPlanner.Ranges(7, 4))) {
            Iterator<SyncPlanner.Pair> iterator = pairs.iterator();
            for (int i = 0; i < 20; i++) {
                iterator.next();
            }
            Api.sleep(300);
            // 20 handed out, at most a range's buffer (7) ahead, one in the reader's hand.
            assertThat(target.pulled(null).get()).isBetween(20, 20 + 7 + 2);
            assertThat(liveThreads(TargetRanges.THREAD)).isPositive();
        }
        awaitNoPlanThreads();
        assertThat(target.closed).hasValue(target.opened.size());
    }

    @Test
    void aSparseTargetBehindALongSourceNeedsNoSourceReadAheadBeyondItsBound() {
        NavigableMap<String, StoredObject> source = keys(20_000);
        NavigableMap<String, StoredObject> target = new TreeMap<>(KeyOrder.UTF8_BINARY);
        target.put(source.firstKey(), source.firstEntry().getValue());
        target.put("zzz", object("zzz", "s"));
        List<SyncPlanner.Pair> pairs = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (Stream<SyncPlanner.Pair> stream = SyncPlanner.pairs(new Counted(source, null),
                    new Counted(target, null), null, key -> true, new SyncPlanner.Ranges(7, 2))) {
                return stream.toList();
            }
        });
        assertThat(pairs).hasSize(20_001);
        assertThat(pairs.get(20_000).target().key()).isEqualTo("zzz");
    }

    @Test
    void aListingOutOfKeyOrderIsStillRefused() {
        List<StoredObject> misordered = List.of(object("a", "s"), object("c", "s"), object("b", "s"));
        NavigableMap<String, StoredObject> source = keys(30);
        Listing unsorted = startAfter -> startAfter == null ? misordered.stream() : Stream.empty();
        assertThatThrownBy(() -> {
            try (Stream<SyncPlanner.Pair> pairs = SyncPlanner.pairs(new Counted(source, null), unsorted, null,
                    key -> true, new SyncPlanner.Ranges(7, 4))) {
                pairs.toList();
            }
        }).hasMessageContaining("not in key order");
        Listing unsortedSource = startAfter -> misordered.stream();
        assertThatThrownBy(() -> {
            try (Stream<SyncPlanner.Pair> pairs = SyncPlanner.pairs(unsortedSource, new Counted(source, null), null,
                    key -> true, new SyncPlanner.Ranges(1, 4))) {
                pairs.toList();
            }
        }).hasMessageContaining("not in key order");
    }

    /** A listing of a sorted map that records each listing opened, the keys each pulled, and closes. */
    static class Counted implements Listing {

        static final String FROM_THE_START = "\0";

        final NavigableMap<String, StoredObject> objects;
        final List<String> opened = Collections.synchronizedList(new ArrayList<>());
        /** Keys pulled from each listing, by where it started (the beginning under {@link #FROM_THE_START}). */
        final Map<String, AtomicInteger> pulled = new ConcurrentHashMap<>();
        final AtomicInteger closed = new AtomicInteger();
        private final Random jitter;

        Counted(NavigableMap<String, StoredObject> objects, Random jitter) {
            this.objects = objects;
            this.jitter = jitter;
        }

        AtomicInteger pulled(String startAfter) {
            return pulled.computeIfAbsent(startAfter == null ? FROM_THE_START : startAfter, k -> new AtomicInteger());
        }

        @Override
        public Stream<StoredObject> after(String startAfter) {
            opened.add(startAfter);
            AtomicInteger count = pulled(startAfter);
            Iterator<StoredObject> listed = (startAfter == null ? objects : objects.tailMap(startAfter, false))
                    .values().iterator();
            Iterator<StoredObject> counting = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return listed.hasNext();
                }

                @Override
                public StoredObject next() {
                    if (!listed.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    count.incrementAndGet();
                    if (jitter != null && jitter.nextInt(50) == 0) {
                        Api.sleep(1);
                    }
                    return listed.next();
                }
            };
            return stream(counting).onClose(closed::incrementAndGet);
        }
    }

    private static List<SyncPlanner.Pair> fullOuterJoin(NavigableMap<String, StoredObject> source,
                                                        NavigableMap<String, StoredObject> target, String startAfter,
                                                        Predicate<String> filter) {
        TreeSet<String> keys = new TreeSet<>(KeyOrder.UTF8_BINARY);
        keys.addAll(startAfter == null ? source.keySet() : source.tailMap(startAfter, false).keySet());
        keys.addAll(startAfter == null ? target.keySet() : target.tailMap(startAfter, false).keySet());
        return keys.stream().filter(filter).map(key -> new SyncPlanner.Pair(source.get(key), target.get(key))).toList();
    }

    private static Stream<StoredObject> after(NavigableMap<String, StoredObject> objects, String startAfter) {
        return (startAfter == null ? objects : objects.tailMap(startAfter, false)).values().stream();
    }

    private static NavigableMap<String, StoredObject> keys(int count) {
        NavigableMap<String, StoredObject> keys = new TreeMap<>(KeyOrder.UTF8_BINARY);
        for (int i = 0; i < count; i++) {
            String key = String.format("data/%06d", i);
            keys.put(key, object(key, "crc-" + i));
        }
        return keys;
    }

    private static String randomKey(Random random) {
        StringBuilder key = new StringBuilder();
        int length = 1 + random.nextInt(5);
        for (int i = 0; i < length; i++) {
            int at = random.nextInt(ALPHABET.length());
            char c = ALPHABET.charAt(at);
            if (Character.isHighSurrogate(c)) {
                key.append(c).append(ALPHABET.charAt(at + 1));
            } else if (!Character.isLowSurrogate(c)) {
                key.append(c);
            }
        }
        return key.toString();
    }

    private static String randomElement(Random random, java.util.Collection<String> keys) {
        return keys.stream().skip(random.nextInt(keys.size())).findFirst().orElseThrow();
    }

    private static Stream<StoredObject> stream(Iterator<StoredObject> objects) {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(objects, Spliterator.ORDERED), false);
    }

    private static long liveThreads(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().equals(name)).count();
    }

    private static void awaitNoPlanThreads() {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (liveThreads(TargetRanges.THREAD) + liveThreads("plan-source-listing") > 0) {
            assertThat(System.nanoTime()).as("plan threads still running 5 s after close").isLessThan(deadline);
            Api.sleep(10);
        }
    }


    static StoredObject object(String key, String crc32c) {
        return new StoredObject(key, 1, crc32c, null, "1", Instant.EPOCH, Map.of());
    }
}
