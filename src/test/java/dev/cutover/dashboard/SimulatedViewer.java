package dev.cutover.dashboard;

import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an open cutover page asks of the service (static/dashboard/dashboard.js and cutover.js): the
 * page once, then the event stream; the live fragment re-fetched when the stream opens, on every
 * event and every 5 s, at most one fetch in flight and at most one more queued behind it.
 */
final class SimulatedViewer implements AutoCloseable {

    private static final long REFRESH_EVERY_MILLIS = 5_000;

    private final BrowserSession browser;
    private final String fragment;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong refreshes = new AtomicLong();
    private SseConnection stream;
    private ScheduledFuture<?> timer;
    private volatile boolean closed;
    private boolean inflight;
    private boolean again;

    private SimulatedViewer(BrowserSession browser, String cutoverId) {
        this.browser = browser;
        this.fragment = "/cutovers/" + cutoverId + "/live";
    }

    static SimulatedViewer open(int port, BrowserSession browser, String cutoverId, ScheduledExecutorService timers)
            throws IOException {
        SimulatedViewer viewer = new SimulatedViewer(browser, cutoverId);
        int status = browser.get("/cutovers/" + cutoverId).statusCode();
        if (status != 200) {
            throw new IOException("the cutover page answered " + status);
        }
        viewer.stream = SseConnection.open(port, "/api/cutovers/" + cutoverId + "/events/stream",
                browser.cookieHeader(), viewer::onEvent);
        viewer.refresh(); // on 'open'
        long offset = ThreadLocalRandom.current().nextLong(REFRESH_EVERY_MILLIS);
        viewer.timer = timers.scheduleAtFixedRate(viewer::refresh, offset, REFRESH_EVERY_MILLIS, TimeUnit.MILLISECONDS);
        return viewer;
    }

    private void onEvent(SseConnection.Event event) {
        if ("cutover-event".equals(event.name())) {
            events.incrementAndGet();
            refresh();
        }
    }

    private void refresh() {
        if (closed) {
            return;
        }
        synchronized (this) {
            if (inflight) {
                again = true;
                return;
            }
            inflight = true;
        }
        refreshes.incrementAndGet();
        browser.getAsync(fragment).whenComplete((answer, failure) -> {
            boolean next;
            synchronized (this) {
                inflight = false;
                next = again;
                again = false;
            }
            if (next) {
                refresh();
            }
        });
    }

    long events() {
        return events.get();
    }

    long refreshes() {
        return refreshes.get();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        timer.cancel(false);
        stream.close();
    }
}
