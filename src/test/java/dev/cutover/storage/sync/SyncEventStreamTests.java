package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.cutover.storage.SyncMode;
import dev.cutover.storage.SyncRun;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SyncEventStreamTests {

    /**
     * Runs the first tick before {@code scheduleAtFixedRate} returns, as a pool thread faster than
     * the request thread does: the tick must not need the future it is scheduled under.
     */
    private final ScheduledThreadPoolExecutor firstTickAtOnce = new ScheduledThreadPoolExecutor(1) {
        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            command.run();
            return super.scheduleAtFixedRate(command, period, period, unit);
        }
    };

    @AfterEach
    void stop() {
        firstTickAtOnce.shutdownNow();
    }

    @Test
    void aRunThatEndedBeforeTheStreamHeldItsTickerEndsTheStreamWithoutFailing() throws Exception {
        AtomicInteger views = new AtomicInteger();
        assertThatCode(() -> SyncEventStream.open(firstTickAtOnce, () -> {
            views.incrementAndGet();
            return view(SyncRun.State.COMPLETED);
        })).doesNotThrowAnyException();
        Thread.sleep(1500);
        assertThat(views).as("no tick after the last event").hasValue(1);
    }

    static SyncController.SyncView view(SyncRun.State state) {
        SyncRun run = new SyncRun(1, SyncRun.Kind.SYNC, SyncMode.FULL, state, null, null, "r", "e", "a", "s", "t", null,
                Instant.now(), Instant.now(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null);
        return new SyncController.SyncView(run, new SyncController.Progress(0, 0, 0, 0, 0, 0L), List.of());
    }
}
