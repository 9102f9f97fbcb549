package dev.cutover.storage.plan;

import dev.cutover.storage.StoredObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Plans N synthetic keys per side (1% changed, 1% missing on target, 0.5% extra on target) and
 * prints the time and the peak heap seen. Run by {@code bench/plan-scaling.sh} in a JVM with
 * {@code -Xmx256m}: a plan that held its listings would not fit.
 * <p>
 * First, what listing the target in key ranges buys when each target page costs a round trip: the
 * merge-join of {@code RANGE_KEYS} keys per side whose target answers each 1,000-key page after
 * {@code PAGE_MILLIS} (S3 across a region; the synthetic source answers at once), the target listed in
 * one go and then in ranges, 4 at once.
 */
public final class PlanScalingBenchmark {

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        System.out.println(rangesFigure());
        ExecutorService lookups = Executors.newFixedThreadPool(8);
        Map<Difference, Long> counts = new EnumMap<>(Difference.class);
        long started = System.nanoTime();
        try (Stream<PlannedObject> plan = SyncPlanner.plan(source(keys), target(keys), KeyFilter.all(),
                key -> Optional.empty(), lookups)) {
            plan.forEach(p -> counts.merge(p.difference(), 1L, Long::sum));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        sampler.interrupt();
        lookups.shutdown();
        System.out.println("plan: " + counts);
        System.out.printf("plan-scaling: keys=%d seconds=%.2f peak_heap_mib=%d%n", keys, seconds,
                peak.get() / (1024 * 1024));
    }

    private static final int RANGE_KEYS = 100_000;
    private static final int PAGE_MILLIS = 50;

    private static String rangesFigure() {
        double one = pairsSeconds(SyncPlanner.Ranges.ONE);
        double ranges = pairsSeconds(SyncPlanner.Ranges.PARALLEL);
        return String.format(Locale.ROOT, "plan-scaling: target with %d ms per 1,000-key page, %,d keys a side: "
                + "listed in one go %.2f s, in ranges (4 at once) %.2f s, %.1fx", PAGE_MILLIS, RANGE_KEYS, one, ranges,
                one / ranges);
    }

    private static double pairsSeconds(SyncPlanner.Ranges ranges) {
        long started = System.nanoTime();
        Listing source = startAfter -> source(RANGE_KEYS); // the plan starts at the beginning: never asked for more
        try (Stream<SyncPlanner.Pair> pairs = SyncPlanner.pairs(source, PlanScalingBenchmark::slowTarget, null,
                KeyFilter.all(), ranges)) {
            long count = pairs.count();
            if (count < RANGE_KEYS) {
                throw new IllegalStateException("only " + count + " pairs");
            }
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** The synthetic target after {@code startAfter}, a page of 1,000 keys every {@link #PAGE_MILLIS}. */
    private static Stream<StoredObject> slowTarget(String startAfter) {
        int first = startAfter == null ? 0 : Integer.parseInt(startAfter.substring("data/".length())) + 1;
        int[] served = { 0 };
        return target(first, RANGE_KEYS).peek(o -> {
                    if (served[0]++ % 1000 == 0) {
                        try {
                            Thread.sleep(PAGE_MILLIS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
    }

    private static Stream<StoredObject> source(int keys) {
        return IntStream.range(0, keys).mapToObj(i -> object(i, "crc-" + i));
    }

    private static Stream<StoredObject> target(int keys) {
        return target(0, keys);
    }

    private static Stream<StoredObject> target(int first, int keys) {
        return IntStream.range(first, keys + keys / 200).filter(i -> i % 100 != 1).mapToObj(i -> {
            if (i >= keys) {
                return object(i, "extra");
            }
            return object(i, i % 100 == 2 ? "changed-" + i : "crc-" + i);
        });
    }

    private static StoredObject object(int i, String crc) {
        return new StoredObject(String.format("data/%09d", i), 4096 + i % 1000, crc, null, "1", Instant.EPOCH, Map.of());
    }
}
