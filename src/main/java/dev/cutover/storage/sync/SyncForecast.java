package dev.cutover.storage.sync;

import dev.cutover.storage.LifecycleRules;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.SyncSpec;
import dev.cutover.storage.plan.Difference;
import dev.cutover.storage.plan.KeyFilter;
import dev.cutover.storage.plan.PlannedObject;
import dev.cutover.storage.plan.SyncPlanner;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A dry run of a sync: what would move (objects and bytes per kind of difference), what the
 * egress would cost at the configured price, and whether the source bucket deletes its objects
 * by lifecycle (auto-expiring logs), in which case skipping it saves those bytes.
 */
@Component
class SyncForecast {

    private static final double GIB = 1024.0 * 1024 * 1024;

    /** Counts and bytes of one kind of difference. */
    record Figures(long objects, long bytes) {
    }

    record Lifecycle(int deleteAfterDays, String recommendation, long bytesSaved, BigDecimal costSaved) {
    }

    record Plan(String source, String target, String mode, Map<Difference, Figures> differences, long objectsToCopy,
                long bytesToCopy, BigDecimal egressPricePerGiB, String currency, BigDecimal egressCost,
                Lifecycle lifecycle) {
    }

    private final BigDecimal pricePerGiB;
    private final String currency;

    SyncForecast(@Value("${cutover.storage.egress-price-per-gib:0.12}") BigDecimal pricePerGiB,
                 @Value("${cutover.storage.egress-currency:USD}") String currency) {
        this.pricePerGiB = pricePerGiB;
        this.currency = currency;
    }

    /** Plans on the given stores, which the caller closes. */
    Plan plan(SyncSpec spec, SyncStores stores) {
        Map<Difference, long[]> counts = new EnumMap<>(Difference.class);
        ExecutorService lookups = TargetLookups.of(spec, "sync-forecast-");
        ObjectStore source = stores.source();
        ObjectStore target = stores.target();
        try (Stream<PlannedObject> plan = SyncPlanner.plan(source, target, null, KeyFilter.of(spec),
                     target::stat, lookups)) {
            plan.forEach(p -> {
                long[] c = counts.computeIfAbsent(p.difference(), d -> new long[2]);
                c[0]++;
                c[1] += (p.source() != null ? p.source() : p.target()).size();
            });
            Map<Difference, Figures> differences = new EnumMap<>(Difference.class);
            for (Difference difference : Difference.values()) {
                long[] c = counts.getOrDefault(difference, new long[2]);
                differences.put(difference, new Figures(c[0], c[1]));
            }
            long objects = differences.get(Difference.NEW).objects() + differences.get(Difference.CHANGED).objects();
            long bytes = differences.get(Difference.NEW).bytes() + differences.get(Difference.CHANGED).bytes();
            BigDecimal cost = cost(bytes);
            Lifecycle lifecycle = lifecycle(source, bytes + differences.get(Difference.UNCHANGED).bytes(), cost);
            return new Plan(source.describe(), target.describe(), spec.mode().name().toLowerCase(), differences, objects,
                    bytes, pricePerGiB, currency, cost, lifecycle);
        } finally {
            lookups.shutdownNow();
        }
    }

    private Lifecycle lifecycle(ObjectStore source, long bucketBytes, BigDecimal cost) {
        if (!(source instanceof LifecycleRules rules)) {
            return null;
        }
        Optional<Integer> days = rules.deleteAfterDays();
        return days.map(d -> new Lifecycle(d, "auto-expiring: objects are deleted after " + d + " days by a lifecycle "
                + "rule; consider skipping this bucket (exclude it) to save " + String.format("%.2f", bucketBytes / GIB)
                + " GiB of egress", bucketBytes, cost)).orElse(null);
    }

    private BigDecimal cost(long bytes) {
        return pricePerGiB.multiply(BigDecimal.valueOf(bytes / GIB)).setScale(4, RoundingMode.HALF_UP);
    }
}
