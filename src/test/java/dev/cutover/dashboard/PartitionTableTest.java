package dev.cutover.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.storage.PartitionedRuns;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionTableTest {

    @Test
    void theSlowestOfTheRunningPartitionsIsNamedAndMarkedAndTheSpansReadFromStartToEnd() {
        PartitionTable table = PartitionTable.of(new PartitionedRuns.Partitions(7, true, List.of(
                partition("syncCopyPartition:p000", null, "b/1", "worker-1", "COMPLETED", 4096),
                partition("syncCopyPartition:p001", "b/1", "c/2", "worker-2", "RUNNING", 12 * 1024),
                partition("syncCopyPartition:p002", "c/2", null, "worker-1", "RUNNING", 80 * 1024),
                partition("syncCopyPartition:p003", "c/9", null, null, "WAITING", 0))));

        assertThat(table.summary()).isEqualTo("4 partitions on 2 workers: 1 completed, 2 running, 1 waiting; "
                + "slowest: p001 on worker-2, 12.0 KiB/s");
        assertThat(table.rows()).extracting(PartitionTable.Row::name).containsExactly("p000", "p001", "p002", "p003");
        assertThat(table.rows()).extracting(PartitionTable.Row::keys)
                .containsExactly("start – b/1", "b/1 – c/2", "c/2 – end", "c/9 – end");
        assertThat(table.rows()).extracting(PartitionTable.Row::slowest).containsExactly(false, true, false, false);
        assertThat(table.rows().get(3).worker()).isEqualTo("—");
        assertThat(table.rows().get(3).rate()).isEqualTo("—");
        assertThat(table.rows().get(2).rate()).isEqualTo("80.0 KiB/s");
    }

    @Test
    void partitionsAFewPercentApartHaveNoSlowest() {
        PartitionTable table = PartitionTable.of(new PartitionedRuns.Partitions(7, true, List.of(
                partition("syncCopyPartition:p000", null, "b", "worker-1", "RUNNING", 12_200),
                partition("syncCopyPartition:p001", "b", null, "worker-2", "RUNNING", 12_500))));

        assertThat(table.summary()).isEqualTo("2 partitions on 2 workers: 2 running");
        assertThat(table.rows()).extracting(PartitionTable.Row::slowest).containsOnly(false);
    }

    @Test
    void oneRunningPartitionIsNotCalledTheSlowest() {
        PartitionTable table = PartitionTable.of(new PartitionedRuns.Partitions(7, true, List.of(
                partition("syncCopyPartition:p000", null, null, "worker-1", "RUNNING", 1000))));

        assertThat(table.summary()).isEqualTo("1 partition on 1 worker: 1 running");
        assertThat(table.rows().get(0).slowest()).isFalse();
    }

    private static PartitionedRuns.PartitionView partition(String name, String after, String upTo, String worker,
                                                           String state, long rate) {
        return new PartitionedRuns.PartitionView(name, after, upTo, worker, state, 10, 40_960, rate, null, null, null);
    }
}
