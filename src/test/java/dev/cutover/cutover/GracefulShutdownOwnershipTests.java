package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.instance.InstanceLeases;
import dev.cutover.testsupport.ServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A graceful stop pauses the phases this instance runs and nothing else: another live instance's
 * running phase is not in what it pauses. (The pause itself is CrashRecoveryIT's second case.)
 */
class GracefulShutdownOwnershipTests extends ServiceTest {

    @Autowired
    GracefulShutdown shutdown;
    @Autowired
    InstanceLeases leases;
    @Autowired
    JdbcClient jdbc;

    @Test
    void onlyThisInstancesRunningPhasesArePausedOnItsShutdown() {
        String others = createCutover("walkthrough");
        String own = createCutover("walkthrough");
        running(others, "peer-still-running");
        running(own, leases.self().id());

        assertThat(shutdown.ownActive()).extracting(Cutover::id).contains(own).doesNotContain(others);

        // Leave nothing RUNNING without a job behind it for the other tests of this shared service.
        jdbc.sql("UPDATE cutover SET state = 'ABORTED', version = version + 1 WHERE id IN (?, ?)").params(others, own)
                .update();
    }

    private void running(String id, String owner) {
        jdbc.sql("UPDATE cutover SET state = 'RUNNING', current_phase = 'prepare', owner_instance = ?, "
                + "version = version + 1 WHERE id = ?").params(owner, id).update();
    }
}
