package dev.cutover.storage.sync;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The server-sent progress of one sync run: a {@code progress} event every second while it runs,
 * a last one when it has ended. The first tick may run on the ticker's thread before the request
 * thread holds the tick's future (a run that already ended ends the stream at once), so ending
 * never needs that future: it is cancelled by whichever side comes second.
 */
final class SyncEventStream {

    static final long TIMEOUT_MS = 6 * 60 * 60 * 1000L;

    private SyncEventStream() {
    }

    static SseEmitter open(ScheduledExecutorService ticker, Supplier<SyncController.SyncView> views) {
        SseEmitter emitter = new SseEmitter(TIMEOUT_MS);
        Ticking ticking = new Ticking();
        ticking.started(ticker.scheduleAtFixedRate(() -> {
            if (ticking.isEnded()) {
                return;
            }
            try {
                SyncController.SyncView view = views.get();
                emitter.send(SseEmitter.event().id(Long.toString(System.currentTimeMillis())).name("progress").data(view));
                if (!view.run().running()) {
                    ticking.end();
                    emitter.complete();
                }
            } catch (Exception gone) {
                ticking.end();
                emitter.completeWithError(gone);
            }
        }, 0, 1, TimeUnit.SECONDS));
        emitter.onCompletion(ticking::end);
        emitter.onTimeout(ticking::end);
        emitter.onError(failure -> ticking.end());
        return emitter;
    }

    /** The tick's future and whether the stream ended, set in either order. */
    private static final class Ticking {
        private ScheduledFuture<?> future;
        private boolean ended;

        synchronized void started(ScheduledFuture<?> future) {
            this.future = future;
            if (ended) {
                future.cancel(false);
            }
        }

        synchronized void end() {
            ended = true;
            if (future != null) {
                future.cancel(false);
            }
        }

        synchronized boolean isEnded() {
            return ended;
        }
    }
}
