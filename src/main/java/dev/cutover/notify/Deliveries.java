package dev.cutover.notify;

import dev.cutover.DaemonThreads;
import dev.cutover.runbook.NotifyChannel;
import dev.cutover.runbook.UnresolvableSecretException;
import dev.cutover.step.CutoverEventLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers notices on the module's own bounded pool, never on the thread that appended the event:
 * a receiver that hangs or fails costs a pool thread for at most the HTTP timeout and never slows
 * or fails a step. Each failed attempt that may succeed later is retried after a back-off that
 * doubles (1 s, 2 s, 4 s, 8 s by default; a timer thread waits, not a pool thread). A hand-written
 * loop on a {@link ScheduledExecutorService} rather than Spring Retry, which is not on the
 * classpath and would hold a thread while it waits. The delivery, or its final failure, is written
 * to the cutover's event log (actor {@code notifier}, action {@code notify}) with the channel's
 * name and type, the attempts and the HTTP status: never its URL, key or password.
 */
@Component
class Deliveries implements DisposableBean {

    static final String ACTOR = "notifier";
    static final String ACTION = "notify";
    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);

    /** What to send: a notice, or the resolve of a PagerDuty incident an earlier notice opened. */
    record Delivery(NotifyChannel channel, Notice notice, boolean resolve) {
    }

    private final CutoverEventLog events;
    private final HttpChannelSender http;
    private final MailChannelSender mail;
    private final int maxAttempts;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final ThreadPoolExecutor workers;
    /** One thread: the events of a cutover are routed in the order they were appended (a step's start before its end). */
    private final ThreadPoolExecutor router;
    private final ScheduledExecutorService timer;
    private final MeterRegistry meters;

    Deliveries(CutoverEventLog events, JsonMapper json, MeterRegistry meters,
               @Value("${cutover.notify.attempts:5}") int maxAttempts,
               @Value("${cutover.notify.first-backoff:1s}") Duration firstBackoff,
               @Value("${cutover.notify.max-backoff:16s}") Duration maxBackoff,
               @Value("${cutover.notify.timeout:10s}") Duration timeout,
               @Value("${cutover.notify.threads:4}") int threads,
               @Value("${cutover.notify.queue-capacity:1000}") int queueCapacity) {
        this.events = events;
        this.meters = meters;
        // Every channel type and event at 0 from the start, so increase() in an alert rule sees the first failure.
        for (NotifyChannel.Type type : NotifyChannel.Type.values()) {
            for (dev.cutover.runbook.NotifyEvent event : dev.cutover.runbook.NotifyEvent.values()) {
                failures(type.yamlName(), event.yamlName());
            }
        }
        this.http = new HttpChannelSender(json, timeout);
        this.mail = new MailChannelSender(timeout);
        this.maxAttempts = Math.max(1, maxAttempts);
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), DaemonThreads.numbered("notify-"));
        this.router = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueCapacity),
                DaemonThreads.numbered("notify-router-"));
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.numbered("notify-timer-"));
    }

    /**
     * Routes an event on the notifier's routing thread, in the order events were handed over; a
     * full queue drops it with a warning rather than hold up the thread that appended it.
     */
    void route(Runnable work) {
        try {
            router.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    log.warn("Could not route an event to the notification channels: {}", e.toString());
                }
            });
        } catch (RejectedExecutionException full) {
            log.warn("Notification routing queue full ({} waiting): an event was not routed", router.getQueue().size());
        }
    }

    /** Every {@code period} on the timer thread, until the service stops. */
    void every(Duration period, Runnable check) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                check.run();
            } catch (RuntimeException e) {
                log.warn("The notifier's periodic check failed: {}", e.toString());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    void deliver(Delivery delivery) {
        attemptLater(delivery, new DeliverySecrets(), 1, Duration.ZERO);
    }

    private void attemptLater(Delivery delivery, DeliverySecrets secrets, int attempt, Duration delay) {
        Runnable task = () -> attempt(delivery, secrets, attempt);
        try {
            if (delay.isZero()) {
                workers.execute(task);
            } else {
                timer.schedule(() -> {
                    try {
                        workers.execute(task);
                    } catch (RejectedExecutionException full) {
                        failed(delivery, attempt - 1, AttemptResult.finalFailure(null, "the notification queue is full"));
                    }
                }, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException full) {
            failed(delivery, attempt - 1, AttemptResult.finalFailure(null, "the notification queue is full"));
        }
    }

    private void attempt(Delivery delivery, DeliverySecrets secrets, int attempt) {
        AttemptResult result;
        try {
            result = send(delivery, secrets);
        } catch (UnresolvableSecretException e) {
            result = AttemptResult.finalFailure(null, e.getMessage()); // names the reference, never a value
        } catch (RuntimeException e) {
            result = AttemptResult.retry(null, secrets.mask(e.toString()));
        }
        if (result.delivered()) {
            delivered(delivery, attempt, result);
        } else if (result.retryable() && attempt < maxAttempts) {
            log.debug("Notification of {} to {} failed (attempt {} of {}): {}", delivery.notice().event().yamlName(),
                    delivery.channel().name(), attempt, maxAttempts, result.reason());
            attemptLater(delivery, secrets, attempt + 1, backoff(attempt));
        } else {
            failed(delivery, attempt, result);
        }
    }

    private AttemptResult send(Delivery delivery, DeliverySecrets secrets) {
        NotifyChannel channel = delivery.channel();
        Notice notice = delivery.notice();
        return switch (channel.type()) {
            case WEBHOOK -> http.post(secrets.resolveUrl(channel.url()), channel.headers(), ChannelPayloads.webhook(notice),
                    secrets);
            case SLACK -> http.post(secrets.resolveUrl(channel.url()), Map.of(), ChannelPayloads.slack(notice), secrets);
            case TEAMS -> http.post(secrets.resolveUrl(channel.url()), Map.of(), ChannelPayloads.teams(notice), secrets);
            case PAGERDUTY -> {
                String routingKey = secrets.resolve(channel.routingKey());
                yield http.post(secrets.resolveUrl(channel.url()), Map.of(), delivery.resolve()
                        ? ChannelPayloads.pagerDutyResolve(notice.dedupKey(), routingKey)
                        : ChannelPayloads.pagerDutyTrigger(notice, routingKey), secrets);
            }
            case EMAIL -> mail.send(channel.mail(), notice, secrets);
        };
    }

    private Duration backoff(int failedAttempt) {
        long millis = firstBackoff.toMillis() << Math.min(failedAttempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }

    private void delivered(Delivery delivery, int attempts, AttemptResult result) {
        record(delivery, "delivered", what(delivery) + " sent to " + channelName(delivery)
                + (attempts > 1 ? " at attempt " + attempts : ""), attempts, result);
    }

    private void failed(Delivery delivery, int attempts, AttemptResult result) {
        String message = what(delivery) + " not delivered to " + channelName(delivery) + " after " + attempts
                + " attempt(s): " + result.reason();
        log.warn("{} (cutover {})", message, delivery.notice().cutoverId());
        failures(delivery.channel().type().yamlName(), delivery.notice().event().yamlName()).increment();
        record(delivery, "failed", message, attempts, result);
    }

    /** {@code cutover_notification_failures_total{channel_type,event}}: notices given up on after their last attempt. */
    private Counter failures(String channelType, String event) {
        return Counter.builder("cutover.notification.failures")
                .description("Notices not delivered after their last attempt, by channel type and event")
                .tag("channel_type", channelType)
                .tag("event", event)
                .register(meters);
    }

    private void record(Delivery delivery, String outcome, String message, int attempts, AttemptResult result) {
        Notice notice = delivery.notice();
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("channel", delivery.channel().name());
        evidence.put("type", delivery.channel().type().yamlName());
        evidence.put("event", notice.event().yamlName());
        if (notice.eventId() > 0) {
            evidence.put("eventId", notice.eventId());
        }
        if (delivery.resolve()) {
            evidence.put("pagerDutyAction", "resolve");
        }
        evidence.put("attempts", attempts);
        if (result.status() != null) {
            evidence.put("httpStatus", result.status());
        }
        if (result.reason() != null) {
            evidence.put("reason", result.reason());
        }
        try {
            events.record(notice.cutoverId(), notice.stepId(), ACTOR, ACTION, outcome, message, evidence);
        } catch (RuntimeException e) {
            log.warn("Could not write the notification outcome to the event log of cutover {}: {}", notice.cutoverId(),
                    e.toString());
        }
    }

    private static String what(Delivery delivery) {
        return delivery.resolve() ? "resolve of " + delivery.notice().event().yamlName()
                : delivery.notice().event().yamlName();
    }

    private static String channelName(Delivery delivery) {
        return delivery.channel().name() + " (" + delivery.channel().type().yamlName() + ")";
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
        router.shutdownNow();
        workers.shutdownNow();
    }
}
