package dev.cutover.cutover;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * {@code Last-Event-ID}), then each new one as it is appended. The dashboard listens here.
 */
@RestController
class CutoverEventStream {

    private static final long TIMEOUT_MILLIS = 30 * 60 * 1000L;

    private final Map<String, List<SseEmitter>> subscribers = new ConcurrentHashMap<>();
    private final CutoverTransitions transitions;
    private final EventLog events;

    CutoverEventStream(CutoverTransitions transitions, EventLog events) {
        this.transitions = transitions;
        this.events = events;
    }

    @GetMapping(path = "/api/cutovers/{id}/events/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(@PathVariable String id, @RequestHeader(name = "Last-Event-ID", required = false) Long lastEventId,
                      @RequestParam(name = "after", required = false) Long after) throws IOException {
        transitions.require(id);
        SseEmitter emitter = new SseEmitter(TIMEOUT_MILLIS);
        List<SseEmitter> emitters = subscribers.computeIfAbsent(id, key -> new CopyOnWriteArrayList<>());
        emitter.onCompletion(() -> emitters.remove(emitter));
        emitter.onTimeout(() -> emitters.remove(emitter));
        emitter.onError(error -> emitters.remove(emitter));
        long from = lastEventId != null ? lastEventId : after != null ? after : 0;
        // Subscribe before the replay so nothing appended in between is missed; the client drops repeats by id.
        emitters.add(emitter);
        List<CutoverEvent> missed;
        do {
            missed = events.page(id, from, 500);
            for (CutoverEvent event : missed) {
                send(emitter, event);
                from = event.id();
            }
        } while (missed.size() == 500);
        return emitter;
    }

    @EventListener
    void onEvent(CutoverEvent event) {
        for (SseEmitter emitter : subscribers.getOrDefault(event.cutoverId(), List.of())) {
            try {
                send(emitter, event);
            } catch (IOException | IllegalStateException gone) {
                subscribers.getOrDefault(event.cutoverId(), List.of()).remove(emitter);
            }
        }
    }

    /** Open streams would hold the graceful shutdown for its whole timeout: end them first. */
    @EventListener(ContextClosedEvent.class)
    void completeStreams() {
        subscribers.values().forEach(emitters -> emitters.forEach(SseEmitter::complete));
        subscribers.clear();
    }

    private static void send(SseEmitter emitter, CutoverEvent event) throws IOException {
        emitter.send(SseEmitter.event().id(Long.toString(event.id())).name("cutover-event").data(event));
    }
}
