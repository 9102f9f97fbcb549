package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SplitKeySamplerTest {

    @Test
    void aLargeSourceIsSplitAboutEveryTenThousandKeysFromASampleOfBoundedSize() {
        SplitKeySampler sampler = new SplitKeySampler();
        for (int i = 0; i < 1_000_000; i++) {
            sampler.accept(String.format("k%07d", i));
        }
        List<Integer> splits = sampler.splits().stream().map(key -> Integer.parseInt(key.substring(1))).toList();
        assertThat(splits).hasSizeBetween(99, 101);
        for (int i = 1; i < splits.size(); i++) { // the sample keeps every 128th key: 78 of them apart
            assertThat(splits.get(i) - splits.get(i - 1)).isEqualTo(9_984);
        }
    }

    @Test
    void aMidSizedSourceKeepsSixtyFourSplits() {
        SplitKeySampler sampler = new SplitKeySampler();
        for (int i = 0; i < 100_000; i++) {
            sampler.accept(String.format("k%06d", i));
        }
        assertThat(sampler.splits()).hasSizeBetween(63, 65);
    }

    @Test
    void aSmallSourceKeepsEnoughSplitsForAnyPartitionCount() {
        SplitKeySampler sampler = new SplitKeySampler();
        for (int i = 0; i < 640; i++) {
            sampler.accept(String.format("k%03d", i));
        }
        List<String> splits = sampler.splits();
        assertThat(splits).hasSize(63).startsWith("k010", "k020").endsWith("k630");
    }

    @Test
    void anEmptySourceHasNoSplits() {
        assertThat(new SplitKeySampler().splits()).isEmpty();
    }
}
