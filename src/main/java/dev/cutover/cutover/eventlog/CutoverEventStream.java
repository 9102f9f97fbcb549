package dev.cutover.cutover.eventlog;

import dev.cutover.cutover.CutoverTransitions;
import dev.cutover.cutover.GateSamplesRecorded;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-sent events of one cutover's log: first the events the client has not seen (after its
 * {@code Last-Event-ID}), then each new one as it is appended, and a {@code heartbeat} event every
 * few seconds so a screen can say when it last heard from the service, and the new lag readings of
 * sampled gates as {@code gate-sample} events (without an id: they are not in the event log, and a
 * page that reconnects fetches the readings it missed). The dashboard listens here.
 * <p>
 * Appending an event never waits for a client: each client has a bounded queue drained by a
 * thread of its own. A client that falls {@value #QUEUE_CAPACITY} events behind (stalled, or on a
 * dead link) is dropped; it reconnects with {@code Last-Event-ID} and loses nothing. A client that
 * goes away is normal and logged at debug level only.
 */
@RestController
class CutoverEventStream {

    private static final Logger log = LoggerFactory.getLogger(CutoverEventStream.class);
    private static final long TIMEOUT_MILLIS = 30 * 60 * 1000L;
    static final int QUEUE_CAPACITY = 1000;
    private static final long HEARTBEAT_SECONDS = 10;

    private final Map<String, Set<EventStreamClient>> clients = new ConcurrentHashMap<>();
    private final CutoverTransitions transitions;
    private final EventLog events;
    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService senders = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "sse-client-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sse-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    CutoverEventStream(CutoverTransitions transitions, EventLog events) {
        this.transitions = transitions;
        this.events = events;
        heartbeats.scheduleAtFixedRate(this::heartbeat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    @GetMapping(path = "/api/cutovers/{id}/events/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(@PathVariable String id, @RequestHeader(name = "Last-Event-ID", required = false) Long lastEventId,
                      @RequestParam(name = "after", required = false) Long after) {
        return open(id, lastEventId != null ? lastEventId : after != null ? after : 0);
    }

    /** A stream of the cutover's events after {@code afterEventId}; the dashboard's pages use it too. */
    SseEmitter open(String cutoverId, long afterEventId) {
        transitions.require(cutoverId);
        SseEmitter emitter = new SseEmitter(TIMEOUT_MILLIS);
        Set<EventStreamClient> subscribers = clients.computeIfAbsent(cutoverId, key -> ConcurrentHashMap.newKeySet());
        EventStreamClient client = new EventStreamClient(emitter, QUEUE_CAPACITY, afterEventId,
                gone -> subscribers.remove(gone));
        emitter.onCompletion(client::gone);
        emitter.onTimeout(client::gone);
        emitter.onError(error -> client.gone());
        // Subscribe before the replay so nothing appended in between is missed; the client skips repeats by id.
        subscribers.add(client);
        senders.execute(() -> client.deliver(() -> replay(cutoverId, afterEventId)));
        return emitter;
    }

    private List<CutoverEvent> replay(String cutoverId, long afterEventId) {
        List<CutoverEvent> missed = new java.util.ArrayList<>();
        long from = afterEventId;
        List<CutoverEvent> page;
        do {
            page = events.page(cutoverId, from, 500);
            missed.addAll(page);
            if (!page.isEmpty()) {
                from = page.get(page.size() - 1).id();
            }
        } while (page.size() == 500);
        return missed;
    }

    @EventListener
    void onEvent(CutoverEvent event) {
        clients.getOrDefault(event.cutoverId(), Set.of()).forEach(client -> client.offer(event));
    }

    /** New lag readings of a gate go to the cutover's open streams as {@code gate-sample} events. */
    @EventListener
    void onSamples(GateSamplesRecorded samples) {
        clients.getOrDefault(samples.cutoverId(), Set.of()).forEach(client -> client.offerSamples(samples));
    }

    private void heartbeat() {
        clients.values().forEach(subscribers -> subscribers.forEach(EventStreamClient::offerHeartbeat));
    }

    /** Open streams would hold the graceful shutdown for its whole timeout: end them first. */
    @EventListener(ContextClosedEvent.class)
    void completeStreams() {
        heartbeats.shutdownNow();
        clients.values().forEach(subscribers -> subscribers.forEach(EventStreamClient::close));
        clients.clear();
        senders.shutdownNow();
    }

    static void debugGone(String why, IOException e) {
        log.debug("An event-stream client went away ({}): {}", why, e.toString());
    }
}
