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
 * event, and every 5 s unless a fetch started within that time. At most one fetch in flight, one
 * more queued behind it, and one started per second (a later one waits for the rest of the second).
 */
final class SimulatedViewer implements AutoCloseable {

    private static final long REFRESH_EVERY_MILLIS = 5_000;
    private static final long MIN_GAP_MILLIS = 1_000;

    private final BrowserSession browser;
    private final String fragment;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong refreshes = new AtomicLong();
    private final ScheduledExecutorService timers;
    private SseConnection stream;
    private ScheduledFuture<?> timer;
    private ScheduledFuture<?> delayed;
    private long lastFetch;
    private volatile boolean closed;
    private boolean inflight;
    private boolean again;

    private SimulatedViewer(BrowserSession browser, String cutoverId, ScheduledExecutorService timers) {
        this.browser = browser;
        this.timers = timers;
        this.fragment = "/cutovers/" + cutoverId + "/live";
    }

    /** {@code fetching} false: the stream only, no fragment fetches (to tell the two costs apart). */
    static SimulatedViewer open(int port, BrowserSession browser, String cutoverId, ScheduledExecutorService timers,
                                boolean fetching) throws IOException {
        SimulatedViewer viewer = new SimulatedViewer(browser, cutoverId, timers);
        viewer.closed = !fetching;
        int status = browser.get("/cutovers/" + cutoverId).statusCode();
        if (status != 200) {
            throw new IOException("the cutover page answered " + status);
        }
        String path = "/api/cutovers/" + cutoverId + "/events/stream";
        try {
            viewer.stream = SseConnection.open(port, path, browser.cookieHeader(), viewer::onEvent);
        } catch (IOException refused) {
            // Seen now and then right after other viewers went away: Tomcat reports a NullPointerException in
            // MimeHeaders (a response touched after it was recycled) and closes the connection. A browser's
            // EventSource would reconnect; so does this, once, and says so.
            System.out.println("  a viewer's stream failed to open (" + refused.getMessage() + "); reconnecting once");
            viewer.stream = SseConnection.open(port, path, browser.cookieHeader(), viewer::onEvent);
        }
        viewer.refresh(); // on 'open'
        long offset = ThreadLocalRandom.current().nextLong(REFRESH_EVERY_MILLIS);
        viewer.timer = timers.scheduleAtFixedRate(viewer::tick, offset, REFRESH_EVERY_MILLIS, TimeUnit.MILLISECONDS);
        return viewer;
    }

    private void onEvent(SseConnection.Event event) {
        if ("cutover-event".equals(event.name())) {
            events.incrementAndGet();
            refresh();
        }
    }

    /** The 5-second refresh, skipped when a fetch started within the period. */
    private void tick() {
        long since;
        synchronized (this) {
            since = System.currentTimeMillis() - lastFetch;
        }
        if (since >= REFRESH_EVERY_MILLIS - 100) {
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
            long wait = lastFetch + MIN_GAP_MILLIS - System.currentTimeMillis();
            if (wait > 0) {
                if (delayed == null || delayed.isDone()) {
                    delayed = timers.schedule(this::refresh, wait, TimeUnit.MILLISECONDS);
                }
                return;
            }
            inflight = true;
            lastFetch = System.currentTimeMillis();
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
