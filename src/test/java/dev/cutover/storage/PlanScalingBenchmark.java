package dev.cutover.storage;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Plans N synthetic keys per side (1% changed, 1% missing on target, 0.5% extra on target) and
 * prints the time and the peak heap seen. Run by {@code bench/plan-scaling.sh} in a JVM with
 * {@code -Xmx256m}: a plan that held its listings would not fit.
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

    private static Stream<StoredObject> source(int keys) {
        return IntStream.range(0, keys).mapToObj(i -> object(i, "crc-" + i));
    }

    private static Stream<StoredObject> target(int keys) {
        return IntStream.range(0, keys + keys / 200).filter(i -> i % 100 != 1).mapToObj(i -> {
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
