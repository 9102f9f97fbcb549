package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.storage.SyncMode;
import dev.cutover.storage.SyncSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Split keys are kept per source mapping. A connection's name means a store only within its runbook and
 * environment: seen in CI, another test's runbook whose filesystem connection was also called {@code src}
 * (bucket {@code assets}, keys a/…, b/…, c/…) left keys that cut this one's img/… and doc/… into a first
 * partition of none of them.
 */
class SplitKeyStoreTest {

    @Test
    void twoRunbooksOrEnvironmentsWhoseSourcesHaveTheSameConnectionNameKeepTheirOwnSplitKeys() {
        String mapping = SplitKeyStore.mapping(spec("hand-back", "local"));

        assertThat(SplitKeyStore.mapping(spec("partitioned", "local"))).isNotEqualTo(mapping);
        assertThat(SplitKeyStore.mapping(spec("hand-back", "staging"))).isNotEqualTo(mapping);
        assertThat(SplitKeyStore.mapping(spec("hand-back", "local"))).as("the same mapping, another run").isEqualTo(mapping);
    }

    private static SyncSpec spec(String runbook, String environment) {
        return new SyncSpec(runbook, environment, "src", "assets", "", "s3", "target", "", SyncMode.FULL, List.of(),
                List.of(), false, 0, 2, 3);
    }
}
