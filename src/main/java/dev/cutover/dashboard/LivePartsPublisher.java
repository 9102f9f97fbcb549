package dev.cutover.dashboard;

import dev.cutover.cutover.eventlog.CutoverEvent;
import dev.cutover.cutover.eventlog.LiveStreams;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

/**
 * Pushes a cutover page's live parts to every open page over its event stream, rendered once per
 * change and per audience (what the viewer's roles let them do), instead of each page fetching and
 * rendering them on every event: with fifty screens open that fetch was most of the service's work.
 * <p>
 * A burst of events is rendered once ({@value #SETTLE_MILLIS} ms after its first event); every
 * {@value #TICK_SECONDS} s the parts are rendered again and sent where they changed without an event
 * (a sync's progress, a gate's samples). A page that opens gets them at once.
 */
@Component
class LivePartsPublisher {

    static final String EVENT_NAME = "live-parts";
    private static final long SETTLE_MILLIS = 150;
    private static final long TICK_SECONDS = 2;
    private static final Logger log = LoggerFactory.getLogger(LivePartsPublisher.class);

    private final LiveStreams streams;
    private final CutoverPages pages;
    private final ITemplateEngine templates;
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
    /** The parts last sent per cutover and audience, to send only what changed on a tick. */
    private final Map<String, Map<Roles, String>> lastSent = new ConcurrentHashMap<>();
    private final ScheduledExecutorService renderer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "dashboard-live-parts");
        thread.setDaemon(true);
        return thread;
    });

    LivePartsPublisher(LiveStreams streams, CutoverPages pages, ITemplateEngine templates) {
        this.streams = streams;
        this.pages = pages;
        this.templates = templates;
        renderer.scheduleWithFixedDelay(this::tick, TICK_SECONDS, TICK_SECONDS, TimeUnit.SECONDS);
    }

    @EventListener
    void onEvent(CutoverEvent event) {
        if (scheduled.add(event.cutoverId())) {
            renderer.schedule(() -> publish(event.cutoverId(), true), SETTLE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    @EventListener
    void onOpened(LiveStreams.Opened opened) {
        // Everyone of that audience gets them again: cheap, and the newcomer needs them now.
        renderer.execute(() -> publish(opened.cutoverId(), true));
    }

    private void tick() {
        lastSent.keySet().removeIf(id -> streams.audiences(id).isEmpty());
        for (String cutoverId : Set.copyOf(lastSent.keySet())) {
            publish(cutoverId, false);
        }
    }

    /** Renders for each audience watching; {@code always}: send even what did not change. */
    private void publish(String cutoverId, boolean always) {
        scheduled.remove(cutoverId);
        try {
            Set<Set<String>> audiences = streams.audiences(cutoverId);
            if (audiences.isEmpty()) {
                lastSent.remove(cutoverId);
                return;
            }
            Map<Roles, String> sent = lastSent.computeIfAbsent(cutoverId, id -> new ConcurrentHashMap<>());
            Map<Roles, Optional<String>> toSend = new HashMap<>();
            streams.push(cutoverId, EVENT_NAME, audience -> toSend.computeIfAbsent(Roles.of(audience), roles -> {
                String html = render(cutoverId, roles);
                String before = sent.put(roles, html);
                return always || !html.equals(before) ? Optional.of(html) : Optional.empty();
            }).orElse(null));
        } catch (RuntimeException failure) {
            // The next event or tick tries again; the page says when it last heard from the service.
            log.warn("Could not render the live parts of cutover {}: {}", cutoverId, failure.toString());
        }
    }

    private String render(String cutoverId, Roles roles) {
        Context context = new Context(Locale.ROOT);
        context.setVariable("roles", roles);
        context.setVariable("page", pages.page(cutoverId, roles));
        context.setVariable("now", Instant.now());
        return templates.process("cutover", Set.of("live"), context);
    }

    @EventListener(ContextClosedEvent.class)
    void stop() {
        renderer.shutdownNow();
    }
}
