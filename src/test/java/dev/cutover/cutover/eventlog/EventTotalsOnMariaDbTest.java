package dev.cutover.cutover.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.MigratedMariaDb;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 (load), the profile {@code mysql} twin of {@link EventTotalsTest}: on the test stack's
 * MariaDB, appends to one cutover from two threads (parallel steps) each bump the cutover's total in
 * their own transaction; none deadlocks or is lost.
 */
class EventTotalsOnMariaDbTest {

    private final MigratedMariaDb database = MigratedMariaDb.shared();

    @Test
    void appendsFromTwoThreadsAreAllCounted() {
        String cutover = database.cutover("load", false);
        String other = database.cutover("load", false);
        database.events(List.of(cutover, other), 5);

        assertThat(EventTotalsTest.totalAfterConcurrentAppends(EventTotalsTest.eventLog(database.dataSource()), cutover, 60))
                .isEqualTo(125);
        assertThat(database.jdbc().sql("SELECT COUNT(*) FROM cutover_event WHERE cutover_id = ?").param(cutover)
                .query(Long.class).single()).isEqualTo(125);
    }
}
