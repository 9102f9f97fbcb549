package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.instance.InstanceLeases;
import dev.cutover.storage.SyncRun;
import dev.cutover.testsupport.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A sync run still RUNNING is taken over only when the instance running it is dead: a standby's
 * startup or lease check never marks a live instance's run INTERRUPTED (its Batch execution would be
 * failed under it). The runs are rows as the other instances left them.
 */
class SyncTakeoverTests extends ServiceTest {

    @Autowired
    JdbcClient jdbc;
    @Autowired
    SyncRecovery recovery;
    @Autowired
    SyncRunRepository runs;
    @Autowired
    InstanceLeases leases;

    @Test
    void onlyADeadInstancesRunIsInterruptedAndItNamesTheInstance() {
        lease("sync-peer-live", 60);
        lease("sync-peer-dead", -1);
        long live = run("sync-peer-live");
        long dead = run("sync-peer-dead");
        long own = run(leases.self().id());

        recovery.recoverOrphans(false);

        assertThat(runs.find(live).orElseThrow().state()).isEqualTo(SyncRun.State.RUNNING);
        assertThat(runs.find(own).orElseThrow().state()).as("this live instance's own run").isEqualTo(SyncRun.State.RUNNING);
        SyncRun interrupted = runs.find(dead).orElseThrow();
        assertThat(interrupted.state()).isEqualTo(SyncRun.State.INTERRUPTED);
        assertThat(interrupted.message()).isEqualTo("service instance sync-peer-dead (host sync-host, pid 9) stopped "
                + "renewing its lease while this run ran there");

        recovery.recoverOrphans(true); // as at startup: its own earlier run counts as dead, the live peer's not
        assertThat(runs.find(own).orElseThrow().state()).isEqualTo(SyncRun.State.INTERRUPTED);
        assertThat(runs.find(live).orElseThrow().state()).isEqualTo(SyncRun.State.RUNNING);
        jdbc.sql("UPDATE sync_run SET state = 'STOPPED' WHERE id = ?").param(live).update();
    }

    private void lease(String instance, int minutes) {
        jdbc.sql("DELETE FROM service_instance WHERE id = ?").param(instance).update();
        jdbc.sql("INSERT INTO service_instance (id, host, pid, started_at, renewed_at, expires_at) VALUES (?, "
                + "'sync-host', 9, CURRENT_TIMESTAMP(6), CURRENT_TIMESTAMP(6), TIMESTAMPADD(MINUTE, ?, "
                + "CURRENT_TIMESTAMP(6)))").params(instance, minutes).update();
    }

    private long run(String owner) {
        org.springframework.jdbc.support.GeneratedKeyHolder key = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("INSERT INTO sync_run (kind, mode, state, runbook, environment, actor, source, target, spec, started_at, "
                        + "owner_instance) VALUES ('sync', 'DELTA', 'RUNNING', 'takeover', 'local', 'test', 'gcs://a', "
                        + "'s3://b', '{}', CURRENT_TIMESTAMP(6), ?)")
                .param(owner).update(key, "id");
        return key.getKey().longValue();
    }
}
