package dev.cutover.storage.sync;

import java.util.ArrayList;
import java.util.List;

/**
 * Split keys from one pass over a source's keys in key order, in bounded memory whatever the count: it
 * keeps every {@code stride}-th key, the stride doubling whenever the sample fills, and at the end spaces
 * the split keys every {@link KeySpacePartitioner#SPLIT_EVERY} keys (enough of them to cut a small source
 * into as many partitions as anyone asks: {@link KeySpacePartitioner#SPLITS_OF_A_SMALL_SOURCE}).
 */
final class SplitKeySampler {

    private static final int SAMPLE_LIMIT = 8192;

    private List<String> sample = new ArrayList<>();
    private long stride = 1;
    private long count;

    /** The next key of the source, in key order, that the sync's filter lets through. */
    void accept(String key) {
        if (count++ % stride == 0) {
            sample.add(key);
            if (sample.size() == SAMPLE_LIMIT) {
                List<String> thinned = new ArrayList<>();
                for (int i = 0; i < sample.size(); i += 2) {
                    thinned.add(sample.get(i));
                }
                sample = thinned;
                stride *= 2;
            }
        }
    }

    List<String> splits() {
        long spacing = Math.max(1, Math.min(KeySpacePartitioner.SPLIT_EVERY,
                count / KeySpacePartitioner.SPLITS_OF_A_SMALL_SOURCE));
        int step = (int) Math.max(1, spacing / stride);
        List<String> splits = new ArrayList<>();
        for (int i = step; i < sample.size(); i += step) {
            splits.add(sample.get(i));
        }
        return splits;
    }
}
