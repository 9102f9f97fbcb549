package dev.cutover.storage.sync;

import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.SyncSpec;
import dev.cutover.storage.StoredObject;
import dev.cutover.storage.plan.KeyFilter;
import dev.cutover.storage.plan.KeySpan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Cuts a sync's key space into {@code partitions} spans of about as many source keys each, from
 * the split keys kept for the same mapping, or, on a first run, from one listing of the source's keys
 * (which then keeps them for the next runs). A full run's plan and a final run's verification list the
 * whole source anyway and keep fresh split keys from it, so spans follow a growing source. Stale split keys only
 * make partitions uneven: spans always cover the whole key space, the first from the start and the
 * last to the end (where the target's extra keys are).
 */
final class KeySpacePartitioner implements Partitioner {

    static final String AFTER = "partition.after";
    static final String UP_TO = "partition.upTo";
    /** Keys between two kept split keys of a large source. */
    static final int SPLIT_EVERY = 10_000;
    /** Split keys kept for a small source: enough to cut it into as many partitions as anyone asks. */
    static final int SPLITS_OF_A_SMALL_SOURCE = 64;

    private final SyncSpec spec;
    private final ObjectStore source;
    private final SplitKeyStore splitKeys;

    KeySpacePartitioner(SyncSpec spec, ObjectStore source, SplitKeyStore splitKeys) {
        this.spec = spec;
        this.source = source;
        this.splitKeys = splitKeys;
    }

    @Override
    public Map<String, ExecutionContext> partition(int gridSize) {
        String mapping = SplitKeyStore.mapping(spec);
        List<String> splits = splitKeys.load(mapping);
        if (splits.isEmpty()) {
            splits = listSplitKeys();
            splitKeys.replace(mapping, splits);
        }
        List<KeySpan> spans = spans(splits, Math.max(1, spec.partitions()));
        Map<String, ExecutionContext> contexts = new LinkedHashMap<>();
        for (int i = 0; i < spans.size(); i++) {
            ExecutionContext context = new ExecutionContext();
            if (spans.get(i).after() != null) {
                context.putString(AFTER, spans.get(i).after());
            }
            if (spans.get(i).upTo() != null) {
                context.putString(UP_TO, spans.get(i).upTo());
            }
            contexts.put(String.format("p%03d", i), context);
        }
        return contexts;
    }

    static KeySpan span(ExecutionContext context) {
        return new KeySpan(context.containsKey(AFTER) ? context.getString(AFTER) : null,
                context.containsKey(UP_TO) ? context.getString(UP_TO) : null);
    }

    /** {@code count} spans (fewer when there are too few split keys) whose bounds are split keys spread evenly. */
    static List<KeySpan> spans(List<String> splits, int count) {
        List<String> bounds = new ArrayList<>();
        int segments = splits.size() + 1;
        int last = -1;
        for (int j = 1; j < count; j++) {
            int index = (int) Math.round((double) j * segments / count) - 1;
            if (index > last && index < splits.size()) {
                bounds.add(splits.get(index));
                last = index;
            }
        }
        List<KeySpan> spans = new ArrayList<>();
        String after = null;
        for (String bound : bounds) {
            spans.add(new KeySpan(after, bound));
            after = bound;
        }
        spans.add(new KeySpan(after, null));
        return spans;
    }

    /** One listing of the source (keys only, in key order), sampled ({@link SplitKeySampler}). */
    private List<String> listSplitKeys() {
        KeyFilter filter = KeyFilter.of(spec);
        SplitKeySampler sampler = new SplitKeySampler();
        try (Stream<StoredObject> listing = source.list("", null)) {
            listing.map(StoredObject::key).filter(filter::test).forEach(sampler::accept);
        }
        return sampler.splits();
    }
}
