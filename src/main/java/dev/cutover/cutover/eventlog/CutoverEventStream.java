package dev.cutover.cutover.eventlog;

import dev.cutover.DaemonThreads;
import dev.cutover.cutover.CutoverTransitions;
import dev.cutover.cutover.GateSamplesRecorded;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

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
 * <p>
 * Each event is serialised once for all its clients. A dashboard page asks for {@code ?parts=true}
 * and then also gets the page's live parts, rendered once per change and audience ({@link LiveStreams}).
 */
@RestController
class CutoverEventStream implements LiveStreams {

    private static final Logger log = LoggerFactory.getLogger(CutoverEventStream.class);
    private static final long TIMEOUT_MILLIS = 30 * 60 * 1000L;
    static final int QUEUE_CAPACITY = 1000;
    private static final long HEARTBEAT_SECONDS = 10;

    private final Map<String, Set<EventStreamClient>> clients = new ConcurrentHashMap<>();
    /** The live parts last pushed per cutover and audience: a page that opens gets them with its replay. */
    private final Map<String, Map<Set<String>, SseFrame>> currentParts = new ConcurrentHashMap<>();
    private final CutoverTransitions transitions;
    private final EventLog events;
    private final LongReads longReads;
    private final JsonMapper json;
    private final ApplicationEventPublisher publisher;
    private final ExecutorService senders = Executors.newCachedThreadPool(DaemonThreads.numbered("sse-client-"));
    private final ScheduledExecutorService heartbeats =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("sse-heartbeat"));

    CutoverEventStream(CutoverTransitions transitions, EventLog events, LongReads longReads, JsonMapper json,
                       ApplicationEventPublisher publisher) {
        this.transitions = transitions;
        this.events = events;
        this.longReads = longReads;
        this.json = json;
        this.publisher = publisher;
        heartbeats.scheduleAtFixedRate(this::heartbeat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    @GetMapping(path = "/api/cutovers/{id}/events/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(@PathVariable String id, @RequestHeader(name = "Last-Event-ID", required = false) Long lastEventId,
                      @RequestParam(name = "after", required = false) Long after,
                      @RequestParam(name = "parts", defaultValue = "false") boolean parts, Authentication viewer) {
        Set<String> audience = viewer == null ? Set.of() : viewer.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority).collect(Collectors.toUnmodifiableSet());
        return open(id, lastEventId != null ? lastEventId : after != null ? after : 0, audience, parts);
    }

    /** A stream of the cutover's events after {@code afterEventId}, and its live parts if asked for. */
    SseEmitter open(String cutoverId, long afterEventId, Set<String> audience, boolean parts) {
        transitions.require(cutoverId);
        SseEmitter emitter = new SseEmitter(TIMEOUT_MILLIS);
        Set<EventStreamClient> subscribers = clients.computeIfAbsent(cutoverId, key -> ConcurrentHashMap.newKeySet());
        EventStreamClient client = new EventStreamClient(emitter, QUEUE_CAPACITY, afterEventId, audience, parts,
                gone -> {
                    subscribers.remove(gone);
                    if (subscribers.isEmpty()) {
                        currentParts.remove(cutoverId); // stale by the time anyone opens the page again
                    }
                });
        emitter.onCompletion(client::gone);
        emitter.onTimeout(client::gone);
        emitter.onError(error -> client.gone());
        // Subscribe before the replay so nothing appended in between is missed; the client skips repeats by id.
        subscribers.add(client);
        senders.execute(() -> client.deliver(after -> replayPage(cutoverId, after)));
        if (parts) {
            SseFrame current = currentParts.getOrDefault(cutoverId, Map.of()).get(client.audience());
            if (current != null) {
                client.offer(current);
            } else {
                publisher.publishEvent(new Opened(cutoverId, client.audience()));
            }
        }
        return emitter;
    }

    /**
     * A page of a replay, read and serialised as one of the few {@link LongReads} at once; the stored
     * evidence goes out as it is (the same JSON a live event gets, {@link StoredEvent}).
     */
    private List<SseFrame> replayPage(String cutoverId, long after) {
        return longReads.read(() -> events.storedPage(cutoverId, after, EventStreamClient.REPLAY_PAGE).stream()
                .map(stored -> SseFrame.ofJson(stored.id(), "cutover-event", json.writeValueAsBytes(stored))).toList());
    }

    @EventListener
    void onEvent(CutoverEvent event) {
        offerToAll(event.cutoverId(), () -> frame(event));
    }

    /** Another instance's event, read back from the log: this instance's screens see it too. */
    @EventListener
    void onEventElsewhere(EventAppendedElsewhere appended) {
        onEvent(appended.event());
    }

    /** One frame, built only when someone watches, to every open stream of the cutover. */
    private void offerToAll(String cutoverId, Supplier<SseFrame> frame) {
        Set<EventStreamClient> subscribers = clients.getOrDefault(cutoverId, Set.of());
        if (!subscribers.isEmpty()) {
            SseFrame built = frame.get();
            subscribers.forEach(client -> client.offer(built));
        }
    }

    private SseFrame frame(CutoverEvent event) {
        return SseFrame.ofJson(event.id(), "cutover-event", json.writeValueAsBytes(event));
    }

    @Override
    public Set<Set<String>> audiences(String cutoverId) {
        return clients.getOrDefault(cutoverId, Set.of()).stream().filter(EventStreamClient::wantsLiveParts)
                .map(EventStreamClient::audience).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void push(String cutoverId, String name, Function<Set<String>, String> dataForAudience) {
        Set<EventStreamClient> subscribers = clients.getOrDefault(cutoverId, Set.of());
        if (subscribers.isEmpty()) {
            return;
        }
        Map<Set<String>, SseFrame> current = currentParts.computeIfAbsent(cutoverId, id -> new ConcurrentHashMap<>());
        Map<Set<String>, Optional<SseFrame>> changed = new HashMap<>();
        for (EventStreamClient client : subscribers) {
            if (!client.wantsLiveParts()) {
                continue;
            }
            changed.computeIfAbsent(client.audience(), audience -> {
                String data = dataForAudience.apply(audience);
                if (data == null) {
                    return Optional.empty();
                }
                SseFrame frame = SseFrame.of(0, name, data);
                SseFrame before = current.put(audience, frame);
                return frame.sameAs(before) ? Optional.empty() : Optional.of(frame);
            }).ifPresent(client::offerIfRoom); // a part left out is sent again with the next change
        }
    }

    /**
     * New lag readings of a gate go to the cutover's open streams as {@code gate-sample} events,
     * queued like events (a client too far behind is dropped the same way; on reconnect its page
     * fetches the samples it missed), without an id: {@code Last-Event-ID} keeps naming the log.
     */
    @EventListener
    void onSamples(GateSamplesRecorded samples) {
        offerToAll(samples.cutoverId(), () -> SseFrame.ofJson(0, "gate-sample", json.writeValueAsBytes(samples)));
    }

    private void heartbeat() {
        SseFrame frame = SseFrame.of(0, "heartbeat", Instant.now().toString());
        clients.values().forEach(subscribers -> subscribers.forEach(client -> client.offerIfRoom(frame)));
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
