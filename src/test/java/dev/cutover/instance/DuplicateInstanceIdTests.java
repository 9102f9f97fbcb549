package dev.cutover.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.testsupport.ServiceTest;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two instances started with the same {@code cutover.instance.id} (one value copied into two
 * deployments) would share one lease row: the second would delete the first's row at startup and take
 * the first's running phase over as "its own earlier" work while it still ran. A start whose id a live
 * process on another host (or another live process here) still renews refuses with the reason; one whose
 * previous holder stopped renewing waits for that lease to run out and starts.
 */
class DuplicateInstanceIdTests extends ServiceTest {

    private static final Duration LEASE = Duration.ofSeconds(1);

    @Autowired
    JdbcClient jdbc;

    @Test
    void anIdALiveInstanceStillRenewsIsRefused() {
        insertHeldElsewhere("twin");
        ScheduledExecutorService otherTwin = Executors.newSingleThreadScheduledExecutor();
        otherTwin.scheduleWithFixedDelay(() -> jdbc.sql("UPDATE service_instance SET renewed_at = CURRENT_TIMESTAMP(6), "
                + "expires_at = TIMESTAMPADD(SECOND, 1, CURRENT_TIMESTAMP(6)) WHERE id = 'twin'").update(), 0, 200,
                TimeUnit.MILLISECONDS);
        try {
            InstanceLeases second = new InstanceLeases(jdbc, new InstanceSettings("twin", LEASE));
            assertThatThrownBy(second::register).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("twin").hasMessageContaining("other-host").hasMessageContaining("4711");
            assertThat(jdbc.sql("SELECT host FROM service_instance WHERE id = 'twin'").query(String.class).single())
                    .as("the live twin keeps its lease row").isEqualTo("other-host");
        } finally {
            otherTwin.shutdownNow();
            jdbc.sql("DELETE FROM service_instance WHERE id = 'twin'").update();
        }
    }

    @Test
    void anIdWhosePreviousHolderStoppedRenewingIsTakenOnceItsLeaseRanOut() {
        insertHeldElsewhere("moved-pod");
        try {
            InstanceLeases restarted = new InstanceLeases(jdbc, new InstanceSettings("moved-pod", LEASE));
            long started = System.nanoTime();
            restarted.register();
            assertThat(restarted.alive("moved-pod")).isTrue();
            assertThat(jdbc.sql("SELECT host FROM service_instance WHERE id = 'moved-pod'").query(String.class).single())
                    .isEqualTo(restarted.self().host());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("waited at most about a lease")
                    .isLessThan(Duration.ofSeconds(3));
        } finally {
            jdbc.sql("DELETE FROM service_instance WHERE id = 'moved-pod'").update();
        }
    }

    private void insertHeldElsewhere(String id) {
        jdbc.sql("DELETE FROM service_instance WHERE id = ?").param(id).update();
        jdbc.sql("INSERT INTO service_instance (id, host, pid, started_at, renewed_at, expires_at) VALUES (?, "
                + "'other-host', 4711, CURRENT_TIMESTAMP(6), CURRENT_TIMESTAMP(6), TIMESTAMPADD(SECOND, 1, "
                + "CURRENT_TIMESTAMP(6)))").param(id).update();
    }
}
