package dev.cutover.dashboard;

import dev.cutover.DaemonThreads;
import dev.cutover.cutover.eventlog.CutoverEvent;
import dev.cutover.cutover.eventlog.EventAppendedElsewhere;
import dev.cutover.cutover.eventlog.LiveStreams;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.expression.ThymeleafEvaluationContext;

/**
 * Pushes a cutover page's live parts to every open page over its event stream, rendered once per
 * change and per audience (what the viewer's roles let them do), instead of each page fetching and
 * rendering them on every event: with fifty screens open that fetch was most of the service's work.
 * <p>
 * A burst of events is rendered once ({@value #SETTLE_MILLIS} ms after its first event, and at most
 * every {@value #MIN_GAP_MILLIS} ms); every {@value #TICK_SECONDS} s the parts are rendered again for
 * what changes without an event (a sync's progress, a gate's samples). The stream sends only parts
 * that changed, and hands a page that opens the last ones of its audience.
 */
@Component
class LivePartsPublisher {

    static final String EVENT_NAME = "live-parts";
    private static final long SETTLE_MILLIS = 100;
    private static final long MIN_GAP_MILLIS = 500;
    private static final long TICK_SECONDS = 2;
    private static final Logger log = LoggerFactory.getLogger(LivePartsPublisher.class);

    private final LiveStreams streams;
    private final CutoverPages pages;
    private final ITemplateEngine templates;
    private final ThymeleafEvaluationContext beans;
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
    /** When each watched cutover's parts were last rendered. */
    private final Map<String, Long> renderedAt = new ConcurrentHashMap<>();
    private final ScheduledExecutorService renderer =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("dashboard-live-parts"));

    LivePartsPublisher(LiveStreams streams, CutoverPages pages, ITemplateEngine templates,
                       ApplicationContext application) {
        this.streams = streams;
        this.pages = pages;
        this.templates = templates;
        // What a request's rendering has and a background one lacks: @bean references in templates.
        this.beans = new ThymeleafEvaluationContext(application, null);
        renderer.scheduleWithFixedDelay(this::tick, TICK_SECONDS, TICK_SECONDS, TimeUnit.SECONDS);
    }

    @EventListener
    void onEvent(CutoverEvent event) {
        if (scheduled.add(event.cutoverId())) {
            long sinceLast = System.currentTimeMillis() - renderedAt.getOrDefault(event.cutoverId(), 0L);
            long delay = Math.max(SETTLE_MILLIS, MIN_GAP_MILLIS - sinceLast);
            renderer.schedule(() -> publish(event.cutoverId()), delay, TimeUnit.MILLISECONDS);
        }
    }

    /** What another instance appended changes this instance's pages too. */
    @EventListener
    void onEventElsewhere(EventAppendedElsewhere appended) {
        onEvent(appended.event());
    }

    @EventListener
    void onOpened(LiveStreams.Opened opened) {
        renderer.execute(() -> publish(opened.cutoverId()));
    }

    private void tick() {
        for (String cutoverId : Set.copyOf(renderedAt.keySet())) {
            publish(cutoverId);
        }
    }

    /** Renders the parts once for each audience watching; the stream sends them where they changed. */
    private void publish(String cutoverId) {
        scheduled.remove(cutoverId);
        try {
            if (streams.audiences(cutoverId).isEmpty()) {
                renderedAt.remove(cutoverId);
                return;
            }
            renderedAt.put(cutoverId, System.currentTimeMillis());
            Map<Roles, String> rendered = new HashMap<>();
            streams.push(cutoverId, EVENT_NAME,
                    audience -> rendered.computeIfAbsent(Roles.of(audience), roles -> render(cutoverId, roles)));
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
        context.setVariable(ThymeleafEvaluationContext.THYMELEAF_EVALUATION_CONTEXT_CONTEXT_VARIABLE_NAME, beans);
        return templates.process("cutover", Set.of("live"), context);
    }

    @EventListener(ContextClosedEvent.class)
    void stop() {
        renderer.shutdownNow();
    }
}
