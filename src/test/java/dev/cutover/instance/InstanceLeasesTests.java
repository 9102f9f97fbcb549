package dev.cutover.instance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.ServiceTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The lease rows: this instance's is alive from startup on, another's counts only until it expires. */
class InstanceLeasesTests extends ServiceTest {

    @Autowired
    InstanceLeases leases;
    @Autowired
    JdbcClient jdbc;

    @Test
    void thisInstanceIsAliveFromStartupUnderItsDefaultName() {
        ServiceInstance self = leases.self();
        assertThat(self.id()).startsWith(self.host() + "-" + self.pid() + "-").hasSize(
                (self.host() + "-" + self.pid() + "-").length() + 6);
        assertThat(leases.alive(self.id())).isTrue();
        assertThat(leases.describe(self.id())).isEqualTo(self.id() + " (host " + self.host() + ", pid " + self.pid() + ")");
        assertThat(leases.lease()).hasSeconds(30);
    }

    @Test
    void anotherInstanceIsAliveUntilItsLeaseRunsOutByTheDatabaseClock() {
        insert("peer-a", "TIMESTAMPADD(SECOND, 30, CURRENT_TIMESTAMP(6))");
        insert("peer-b", "TIMESTAMPADD(SECOND, -1, CURRENT_TIMESTAMP(6))");

        assertThat(leases.alive(List.of("peer-a", "peer-b", "never-seen"))).containsExactly("peer-a");
        assertThat(leases.describe("peer-b")).isEqualTo("peer-b (host other-host, pid 77)");
        assertThat(leases.describe("never-seen")).isEqualTo("never-seen");
    }

    @Test
    void atStartupAnInstanceOnThisHostWhoseProcessIsGoneIsDeadBeforeItsLeaseRunsOut() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String host = leases.self().host();
        insertOn("crashed-here", host, gone.pid());
        insertOn("running-here", host, ProcessHandle.current().parent().orElseThrow().pid());
        insertOn("elsewhere", "another-host", gone.pid());

        assertThat(leases.alive(List.of("crashed-here", "running-here", "elsewhere")))
                .containsExactlyInAnyOrder("crashed-here", "running-here", "elsewhere");
        assertThat(leases.stillRunning(List.of("crashed-here", "running-here", "elsewhere", leases.self().id())))
                .containsExactlyInAnyOrder("running-here", "elsewhere", leases.self().id());
    }

    @Test
    void aRenewalAfterTheLeaseRanOutSaysSoAndTakesTheLeaseAgain() {
        assertThat(leases.renew()).as("renewal of a live lease").isTrue();
        jdbc.sql("UPDATE service_instance SET expires_at = TIMESTAMPADD(SECOND, -1, CURRENT_TIMESTAMP(6)) WHERE id = ?")
                .param(leases.self().id()).update();
        assertThat(leases.alive(leases.self().id())).isFalse();

        assertThat(leases.renew()).as("renewal of a lease that had run out").isFalse();
        assertThat(leases.alive(leases.self().id())).isTrue();

        jdbc.sql("DELETE FROM service_instance WHERE id = ?").param(leases.self().id()).update();
        assertThat(leases.renew()).as("renewal of a lease whose row was gone").isFalse();
        assertThat(leases.alive(leases.self().id())).isTrue();
    }

    @Test
    void checksComeEveryFewSecondsAndAtLeastFourTimesALease() {
        assertThat(new InstanceSettings(null, java.time.Duration.ofSeconds(30)).checkEvery()).hasSeconds(5);
        assertThat(new InstanceSettings(null, java.time.Duration.ofSeconds(3)).checkEvery()).hasMillis(500);
        assertThat(new InstanceSettings(null, java.time.Duration.ofSeconds(1)).checkEvery()).hasMillis(250);
        assertThat(new InstanceSettings(null, java.time.Duration.ofSeconds(3)).renewEvery()).hasSeconds(1);
    }

    private void insertOn(String id, String host, long pid) {
        jdbc.sql("DELETE FROM service_instance WHERE id = ?").param(id).update();
        jdbc.sql("INSERT INTO service_instance (id, host, pid, started_at, renewed_at, expires_at) VALUES (?, ?, ?, "
                + "CURRENT_TIMESTAMP(6), CURRENT_TIMESTAMP(6), TIMESTAMPADD(SECOND, 30, CURRENT_TIMESTAMP(6)))")
                .params(id, host, pid).update();
    }

    private void insert(String id, String expiresAt) {
        jdbc.sql("DELETE FROM service_instance WHERE id = ?").param(id).update();
        jdbc.sql("INSERT INTO service_instance (id, host, pid, started_at, renewed_at, expires_at) VALUES (?, "
                + "'other-host', 77, CURRENT_TIMESTAMP(6), CURRENT_TIMESTAMP(6), " + expiresAt + ")").param(id).update();
    }
}
