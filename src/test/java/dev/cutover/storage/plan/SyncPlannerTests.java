package dev.cutover.storage.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.storage.KeyOrder;
import dev.cutover.storage.StoredObject;
import dev.cutover.storage.SyncMetadata;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The streaming merge-join plan: what is new, changed, unchanged and extra, and why. */
class SyncPlannerTests {

    @Test
    void classifiesEveryKeyOfBothListings() {
        List<StoredObject> source = List.of(object("a", 1, "crcA"), object("b", 2, "crcB"), object("c", 3, "crcC"),
                object("e", 5, "crcE"));
        List<StoredObject> target = List.of(object("a", 1, "crcA"), object("b", 2, "OTHER"), object("c", 4, "crcC"),
                object("d", 1, "crcD"));
        List<PlannedObject> plan = plan(source, target, KeyFilter.all());
        assertThat(plan).extracting(PlannedObject::key, PlannedObject::difference).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", Difference.UNCHANGED),
                org.assertj.core.groups.Tuple.tuple("b", Difference.CHANGED),
                org.assertj.core.groups.Tuple.tuple("c", Difference.CHANGED),
                org.assertj.core.groups.Tuple.tuple("d", Difference.EXTRA_ON_TARGET),
                org.assertj.core.groups.Tuple.tuple("e", Difference.NEW));
        assertThat(plan.get(2).reason()).contains("size");
    }

    @Test
    void recordedSourceChecksumDecidesWithoutTheTargetsOwn() {
        StoredObject copied = new StoredObject("k", 10, null, null, "etag", Instant.now(),
                Map.of(SyncMetadata.SOURCE_CRC32C, "crc1", SyncMetadata.SOURCE_GENERATION, "7"));
        assertThat(ObjectComparison.compare(object("k", 10, "crc1"), copied).difference()).isEqualTo(Difference.UNCHANGED);
        assertThat(ObjectComparison.compare(object("k", 10, "crc2"), copied).difference()).isEqualTo(Difference.CHANGED);
    }

    @Test
    void aMissingChecksumIsNeverAcceptedBySizeAlone() {
        StoredObject noChecksum = new StoredObject("k", 10, null, null, "g", Instant.now(), Map.of());
        ObjectComparison.Verdict verdict = ObjectComparison.compare(object("k", 10, "crc"), noChecksum);
        assertThat(verdict.difference()).isEqualTo(Difference.CHANGED);
        assertThat(verdict.needsTargetDetails()).isTrue();
        StoredObject sourceWithout = new StoredObject("k", 10, null, null, "g", Instant.now(), Map.of());
        assertThat(ObjectComparison.compare(sourceWithout, object("k", 10, "crc")).difference()).isEqualTo(Difference.CHANGED);
    }

    @Test
    void targetDetailsAreLookedUpOnlyWhereTheListingLacksThem() {
        List<StoredObject> source = List.of(object("a", 1, "crcA"), object("b", 1, "crcB"));
        List<StoredObject> target = List.of(new StoredObject("a", 1, null, null, "e", Instant.now(), Map.of()),
                object("b", 1, "crcB"));
        AtomicInteger lookups = new AtomicInteger();
        List<PlannedObject> plan = SyncPlanner.plan(source.stream(), target.stream(), KeyFilter.all(), key -> {
            lookups.incrementAndGet();
            return Optional.of(object(key, 1, "crcA"));
        }, Runnable::run).toList();
        assertThat(plan).extracting(PlannedObject::difference).containsOnly(Difference.UNCHANGED);
        assertThat(lookups).hasValue(1);
    }

    @Test
    void filtersApplyToBothSides() {
        KeyFilter filter = KeyFilter.of(List.of("assets/**"), List.of("**.tmp"));
        List<PlannedObject> plan = plan(
                List.of(object("assets/a.png", 1, "x"), object("assets/b.tmp", 1, "y"), object("logs/z", 1, "z")),
                List.of(object("logs/old", 1, "o")), filter);
        assertThat(plan).extracting(PlannedObject::key).containsExactly("assets/a.png");
    }

    @Test
    void unsortedListingIsRefusedRatherThanMisplanned() {
        assertThatThrownBy(() -> plan(List.of(object("b", 1, "x"), object("a", 1, "y")), List.of(), KeyFilter.all()))
                .hasMessageContaining("not in key order");
    }

    @Test
    void ordersByUtf8BytesLikeTheStores() {
        String bmpHigh = "k\uFFFD";
        String astral = "k\uD83D\uDE00";
        assertThat(KeyOrder.compare(bmpHigh, astral)).isNegative();
        assertThat(bmpHigh.compareTo(astral)).isPositive();
        List<PlannedObject> plan = plan(List.of(object(bmpHigh, 1, "a"), object(astral, 1, "b")),
                List.of(object(bmpHigh, 1, "a"), object(astral, 1, "b")), KeyFilter.all());
        assertThat(plan).extracting(PlannedObject::difference).containsOnly(Difference.UNCHANGED);
    }

    @Test
    void keyOrderIsUtf8ByteOrderForAnyText() {
        java.util.Random random = new java.util.Random(11);
        String alphabet = "a/Z-~\u00e9\u6f22\uE000\uFFFD\uD83D\uDE00\uD800\uDC00";
        for (int i = 0; i < 20_000; i++) {
            String a = randomKey(random, alphabet);
            String b = randomKey(random, alphabet);
            int expected = java.util.Arrays.compareUnsigned(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(Integer.signum(KeyOrder.compare(a, b))).as(a + " vs " + b).isEqualTo(Integer.signum(expected));
        }
    }

    @Test
    void aDecidedPairIsHandedOutWithoutWaitingForTheListingsToFillAWindow() throws Exception {
        java.util.concurrent.CountDownLatch pageArrives = new java.util.concurrent.CountDownLatch(1);
        Stream<StoredObject> source = java.util.stream.IntStream.range(0, 300)
                .mapToObj(i -> object(String.format("k%03d", i), 1, "crc" + i));
        // The target's next page is slow: keys from k020 on come only once pageArrives opens.
        Stream<StoredObject> target = java.util.stream.IntStream.range(0, 300).mapToObj(i -> {
            if (i == 20) {
                try {
                    pageArrives.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return object(String.format("k%03d", i), 1, "crc" + i);
        });
        try (Stream<PlannedObject> plan = SyncPlanner.plan(source, target, KeyFilter.all(), key -> Optional.empty(),
                Runnable::run)) {
            java.util.Iterator<PlannedObject> planned = plan.iterator();
            PlannedObject first = java.util.concurrent.CompletableFuture.supplyAsync(planned::next)
                    .get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(first.key()).isEqualTo("k000");
            assertThat(first.difference()).isEqualTo(Difference.UNCHANGED);

            pageArrives.countDown();
            int rest = 0;
            while (planned.hasNext()) {
                planned.next();
                rest++;
            }
            assertThat(rest).isEqualTo(299);
        } finally {
            pageArrives.countDown();
        }
    }

    private static String randomKey(java.util.Random random, String alphabet) {
        StringBuilder key = new StringBuilder();
        int length = random.nextInt(6);
        for (int i = 0; i < length; i++) {
            int at = random.nextInt(alphabet.length());
            char c = alphabet.charAt(at);
            if (Character.isHighSurrogate(c)) {
                key.append(c).append(alphabet.charAt(at + 1));
            } else if (!Character.isLowSurrogate(c)) {
                key.append(c);
            }
        }
        return key.toString();
    }

    private static List<PlannedObject> plan(List<StoredObject> source, List<StoredObject> target, KeyFilter filter) {
        try (Stream<PlannedObject> plan = SyncPlanner.plan(source.stream(), target.stream(), filter,
                key -> Optional.empty(), Runnable::run)) {
            return plan.toList();
        }
    }

    static StoredObject object(String key, long size, String crc32c) {
        return new StoredObject(key, size, crc32c, null, "1", Instant.EPOCH, Map.of());
    }
}
