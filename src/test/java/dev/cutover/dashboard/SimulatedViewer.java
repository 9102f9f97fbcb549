package dev.cutover.dashboard;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an open cutover page asks of the service (static/dashboard/dashboard.js and cutover.js): the
 * page once, then the event stream with {@code ?parts=true}, on which the service pushes the page's
 * live parts as they change; the page fetches nothing else while it watches.
 */
final class SimulatedViewer implements AutoCloseable {

    private final AtomicLong events = new AtomicLong();
    private final AtomicLong parts = new AtomicLong();
    private SseConnection stream;

    static SimulatedViewer open(int port, BrowserSession browser, String cutoverId) throws IOException {
        SimulatedViewer viewer = new SimulatedViewer();
        int status = browser.get("/cutovers/" + cutoverId).statusCode();
        if (status != 200) {
            throw new IOException("the cutover page answered " + status);
        }
        String path = "/api/cutovers/" + cutoverId + "/events/stream?parts=true";
        viewer.stream = SseConnection.open(port, path, browser.cookieHeader(), viewer::onEvent);
        return viewer;
    }

    private void onEvent(SseConnection.Event event) {
        if ("cutover-event".equals(event.name())) {
            events.incrementAndGet();
        } else if (LivePartsPublisher.EVENT_NAME.equals(event.name())) {
            parts.incrementAndGet();
        }
    }

    long events() {
        return events.get();
    }

    /** How many times the service pushed the live parts to this page. */
    long parts() {
        return parts.get();
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
