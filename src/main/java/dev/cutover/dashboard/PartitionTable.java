package dev.cutover.dashboard;

import dev.cutover.storage.PartitionedRuns;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A partitioned sync's partitions under its step's row: which worker copies which keys, how far and how
 * fast, so that the room sees which worker is slow. A running partition clearly slower than the fastest
 * is marked "slowest" (in words, not only colour).
 *
 * @param summary e.g. "3 partitions on 2 workers: 2 running, 1 waiting; slowest: p001 on worker-2, 12.0 KiB/s"
 */
public record PartitionTable(String summary, List<Row> rows) {

    /** A partition is called the slowest only below this share of the fastest running one's rate. */
    static final double SLOWER = 0.75;

    /** One partition, its figures already in words. */
    public record Row(String name, String keys, String worker, String state, StateTone tone, String objects,
                      String bytes, String rate, boolean slowest) {

        public String stateLabel() {
            return StateTone.label(state);
        }
    }

    static PartitionTable of(PartitionedRuns.Partitions partitions) {
        List<PartitionedRuns.PartitionView> all = partitions.partitions();
        PartitionedRuns.PartitionView slowest = slowest(all);
        List<Row> rows = new ArrayList<>();
        for (PartitionedRuns.PartitionView p : all) {
            rows.add(new Row(shortName(p.name()), keys(p.after(), p.upTo()), p.instance() == null ? "—" : p.instance(),
                    p.state(), StateTone.of(p.state()), String.format(Locale.ROOT, "%,d", p.objects()),
                    StepFigureLines.bytes(p.bytes()), p.bytesPerSecond() > 0 ? StepFigureLines.bytes(p.bytesPerSecond())
                    + "/s" : "—", p == slowest));
        }
        long workers = all.stream().map(PartitionedRuns.PartitionView::instance).filter(Objects::nonNull)
                .distinct().count();
        Map<String, Integer> states = new TreeMap<>();
        all.forEach(p -> states.merge(StateTone.label(p.state()), 1, Integer::sum));
        List<String> counts = new ArrayList<>();
        states.forEach((state, n) -> counts.add(n + " " + state));
        String summary = all.size() + (all.size() == 1 ? " partition" : " partitions") + " on " + workers
                + (workers == 1 ? " worker" : " workers") + (counts.isEmpty() ? "" : ": " + String.join(", ", counts))
                + (slowest == null ? "" : "; slowest: " + shortName(slowest.name()) + " on " + slowest.instance() + ", "
                + StepFigureLines.bytes(slowest.bytesPerSecond()) + "/s");
        return new PartitionTable(summary, rows);
    }

    /**
     * The running partition clearly slower than the fastest running one (under {@value #SLOWER} of its rate),
     * or null: with partitions a few percent apart, naming one "slowest" would send people after noise.
     */
    private static PartitionedRuns.PartitionView slowest(List<PartitionedRuns.PartitionView> all) {
        List<PartitionedRuns.PartitionView> running = all.stream().filter(p -> "RUNNING".equals(p.state())).toList();
        if (running.size() < 2) {
            return null;
        }
        Comparator<PartitionedRuns.PartitionView> byRate = Comparator.comparingLong(PartitionedRuns.PartitionView::bytesPerSecond);
        PartitionedRuns.PartitionView slow = running.stream().min(byRate).orElseThrow();
        long fastest = running.stream().max(byRate).orElseThrow().bytesPerSecond();
        return slow.bytesPerSecond() < SLOWER * fastest ? slow : null;
    }

    /** Batch names a partition {@code syncCopyPartition:p001}; the screen says {@code p001}. */
    private static String shortName(String name) {
        return name.substring(name.indexOf(':') + 1);
    }

    /** The span (after, upTo] in words: "start – b/001.bin", "b/001.bin – c/002.bin", "c/002.bin – end". */
    private static String keys(String after, String upTo) {
        return (after == null ? "start" : after) + " – " + (upTo == null ? "end" : upTo);
    }
}
