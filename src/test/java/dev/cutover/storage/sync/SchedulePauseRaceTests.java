package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The final sync pauses a cutover's scheduled deltas; once the pause has returned, no delta of
 * that cutover may start, even one whose tick listed the schedule as active just before.
 */
class SchedulePauseRaceTests extends ServiceTest {

    @Autowired
    SyncSchedules schedules;

    @Autowired
    JdbcClient jdbc;

    @AfterEach
    void removeHook() {
        schedules.beforeStart((cutover, step) -> { });
    }

    @Test
    void noScheduledDeltaStartsAfterThePauseReturned() throws Exception {
        Path source = RUNBOOKS.work().resolve("scheduled-src/b");
        Files.createDirectories(source);
        Files.writeString(source.resolve("race.txt"), "x");
        String id = createCutover("scheduled");
        api.post("operator", "/api/cutovers/" + id + "/phases/weeks-ahead/start", null);
        api.awaitState(id, "READY");

        CountDownLatch listed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean held = new AtomicBoolean();
        CountDownLatch tickDone = new CountDownLatch(1);
        schedules.beforeStart((cutover, step) -> {
            if (id.equals(cutover) && held.compareAndSet(false, true)) {
                listed.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                // after this returns the tick goes on to start the delta, or not; give it a moment
                new Thread(() -> {
                    Api.sleep(1500);
                    tickDone.countDown();
                }).start();
            }
        });
        assertThat(listed.await(30, TimeUnit.SECONDS)).as("a tick found the delta due").isTrue();

        schedules.pauseAll(id, "the final sync started (test)");
        long lastRunAtPause = lastScheduledRun(id);
        release.countDown();
        assertThat(tickDone.await(30, TimeUnit.SECONDS)).isTrue();
        Api.sleep(1000);

        assertThat(lastScheduledRun(id)).as("scheduled runs started after the pause returned").isEqualTo(lastRunAtPause);
        assertThat(api.get("viewer", "/api/syncs/schedules/" + id).body().get(0).path("state").asString())
                .isEqualTo("PAUSED");
    }

    private long lastScheduledRun(String cutoverId) {
        return jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM sync_run WHERE cutover_id = ? AND step_id LIKE '%@schedule'")
                .param(cutoverId).query(Long.class).single();
    }
}
