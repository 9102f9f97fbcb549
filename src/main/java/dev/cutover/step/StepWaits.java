package dev.cutover.step;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one step attempt spent its time waiting on — a poll interval, a query, a listing, a GTID
 * wait — as a count and a sum per kind, so the write window's timeline can say where each
 * millisecond went. Thread-safe: a step may wait on several threads.
 */
public final class StepWaits {

    /** One kind of wait: how often and how long in all. */
    public record Wait(String on, long count, long ms) {

        public Map<String, Object> evidence() {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("on", on);
            row.put("count", count);
            row.put("ms", ms);
            return row;
        }
    }

    private final Map<String, long[]> byKind = new LinkedHashMap<>();

    public synchronized void add(String on, Duration took) {
        long[] sums = byKind.computeIfAbsent(on, k -> new long[2]);
        sums[0]++;
        sums[1] += Math.max(0, took.toNanos());
    }

    /** Longest first. */
    public synchronized List<Wait> waits() {
        return byKind.entrySet().stream()
                .map(e -> new Wait(e.getKey(), e.getValue()[0], Duration.ofNanos(e.getValue()[1]).toMillis()))
                .sorted(Comparator.comparingLong(Wait::ms).reversed())
                .toList();
    }

    public List<Map<String, Object>> evidence() {
        return waits().stream().map(Wait::evidence).toList();
    }
}
