package dev.cutover.notify;

import dev.cutover.cutover.Cutover;
import dev.cutover.cutover.CutoverTransitions;
import dev.cutover.cutover.eventlog.CutoverEvent;
import dev.cutover.runbook.NotifyChannel;
import dev.cutover.runbook.NotifyEvent;
import dev.cutover.runbook.NotifyRoute;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.context.event.EventListener;

/**
 * Routes the events of every cutover's log to the channels its runbook's {@code notify:} names.
 * Listens to the events as they are appended (so a restart of the service sends nothing old
 * again: only events appended from then on are routed), ignores its own {@code notify} events
 * (no loops), and does everything beyond a few string comparisons on the notifier's pool.
 * <p>
 * Which events mean what, from {@code cutover.execution}: {@code approval requested} is a gate
 * starting to wait; {@code step failed} a step failed past its retries; {@code rollback started},
 * {@code rollback failed} and {@code rollback completed} without a step are the rollback as a
 * whole (with a step they are one inverse); {@code phase completed} of the runbook's last phase
 * is the cutover completing. A step overrunning is found by {@link OverrunWatch}.
 */
@Component
class NotificationRouter {

    private final CutoverTransitions cutovers;
    private final Deliveries deliveries;
    private final OverrunWatch overruns;
    private final String dashboardBaseUrl;
    /** cutover/step -> the PagerDuty incidents opened for it, resolved when the step succeeds. */
    private final Map<String, Set<Deliveries.Delivery>> openIncidents = new ConcurrentHashMap<>();

    NotificationRouter(CutoverTransitions cutovers, Deliveries deliveries, OverrunWatch overruns,
                       @Value("${cutover.dashboard.base-url:http://localhost:8080}") String dashboardBaseUrl) {
        this.cutovers = cutovers;
        this.deliveries = deliveries;
        this.overruns = overruns;
        this.dashboardBaseUrl = dashboardBaseUrl.endsWith("/")
                ? dashboardBaseUrl.substring(0, dashboardBaseUrl.length() - 1) : dashboardBaseUrl;
        overruns.onOverrun(this::overrun);
    }

    /**
     * Runs on the appending thread, so it only hands the event over. At once, not after the
     * transaction: a step runs inside its Batch tasklet's (resourceless) transaction, so a
     * transactional listener would hear of {@code step started} only when the step has ended, and
     * of {@code step failed} never (the tasklet's transaction ends by a rollback). The event log
     * writes outside that transaction, so the event is stored by the time it is routed.
     */
    @EventListener
    void onEvent(CutoverEvent event) {
        if (Deliveries.ACTION.equals(event.action()) || !mayMatter(event)) {
            return;
        }
        deliveries.route(() -> route(event));
    }

    private static boolean mayMatter(CutoverEvent event) {
        return switch (event.action()) {
            case "approval" -> "requested".equals(event.outcome());
            case "step" -> !"retrying".equals(event.outcome());
            case "rollback" -> event.stepId() == null;
            case "phase" -> "completed".equals(event.outcome());
            default -> false;
        };
    }

    private void route(CutoverEvent event) {
        Cutover cutover = cutovers.require(event.cutoverId());
        Optional<Runbook> found = cutovers.runbook(cutover);
        if (found.isEmpty() || found.get().notifications().routes().isEmpty()) {
            return;
        }
        Runbook runbook = found.get();
        if ("step".equals(event.action())) {
            stepChanged(event, cutover, runbook);
        }
        kindOf(event, runbook).ifPresent(kind -> send(kind, event.id(), cutover, runbook, event.phase(), event.stepId(),
                event.action(), event.outcome(), event.message(), event.occurredAt()));
    }

    private void stepChanged(CutoverEvent event, Cutover cutover, Runbook runbook) {
        String key = event.cutoverId() + "/" + event.stepId();
        if ("started".equals(event.outcome())) {
            if (!runbook.notifications().routesFor(NotifyEvent.STEP_OVERRUN).isEmpty()) {
                runbook.step(event.stepId()).ifPresent(step -> overruns.watch(cutover, runbook, event.phase(), step,
                        event.occurredAt()));
            }
            return;
        }
        overruns.forget(event.cutoverId(), event.stepId());
        // A failed step keeps its incidents open: they are resolved when a restart makes it succeed.
        Set<Deliveries.Delivery> incidents = "succeeded".equals(event.outcome()) ? openIncidents.remove(key) : null;
        if (incidents != null) {
            incidents.forEach(opened -> deliveries.deliver(new Deliveries.Delivery(opened.channel(), opened.notice(), true)));
        }
    }

    static Optional<NotifyEvent> kindOf(CutoverEvent event, Runbook runbook) {
        String outcome = event.outcome();
        return Optional.ofNullable(switch (event.action()) {
            case "approval" -> "requested".equals(outcome) ? NotifyEvent.APPROVAL_WAITING : null;
            case "step" -> "failed".equals(outcome) ? NotifyEvent.STEP_FAILED : null;
            case "rollback" -> event.stepId() != null ? null : switch (outcome) {
                case "started" -> NotifyEvent.ROLLBACK_STARTED;
                case "failed" -> NotifyEvent.ROLLBACK_FAILED;
                case "refused" -> NotifyEvent.ROLLBACK_REFUSED;
                case "completed" -> NotifyEvent.CUTOVER_ROLLED_BACK;
                default -> null;
            };
            case "phase" -> "completed".equals(outcome) && !runbook.phases().isEmpty()
                    && runbook.phases().get(runbook.phases().size() - 1).name().equals(event.phase())
                    ? NotifyEvent.CUTOVER_COMPLETED : null;
            default -> null;
        });
    }

    private void overrun(OverrunWatch.Overrun overrun) {
        send(NotifyEvent.STEP_OVERRUN, 0, overrun.cutover(), overrun.runbook(), overrun.phase(), overrun.step().id(),
                "step", "overrun-" + overrun.kind(), overrun.message(), Instant.now());
    }

    private void send(NotifyEvent kind, long eventId, Cutover cutover, Runbook runbook, String phase, String stepId,
                      String action, String outcome, String message, Instant at) {
        Optional<RunbookStep> step = stepId == null ? Optional.empty() : runbook.step(stepId);
        String dedupKey = cutover.id() + "/" + (stepId == null ? "cutover" : stepId) + "/" + kind.yamlName()
                + ("step".equals(action) && outcome.startsWith("overrun-") ? "-" + outcome.substring("overrun-".length()) : "");
        Set<String> sent = new HashSet<>();
        for (NotifyRoute route : runbook.notifications().routesFor(kind)) {
            List<String> mentions = new ArrayList<>();
            List<String> addresses = new ArrayList<>();
            for (NotifyRoute.Mention mention : route.mention()) {
                switch (mention) {
                    case OWNER -> step.map(RunbookStep::owner).ifPresent(owner -> mention("owner", owner, mentions, addresses));
                    case ESCALATION -> step.map(RunbookStep::escalation)
                            .ifPresent(contact -> mention("escalation", contact, mentions, addresses));
                    case APPROVERS -> mentions.add("approvers (role APPROVER)");
                }
            }
            Notice notice = new Notice(kind, eventId, cutover.id(), cutover.runbook(), cutover.environment(),
                    cutover.rehearsal(), phase, stepId, action, outcome, message, at,
                    dashboardBaseUrl + "/cutovers/" + cutover.id(), mentions, addresses, dedupKey);
            for (String channelName : route.to()) {
                NotifyChannel channel = runbook.notifications().channels().get(channelName);
                if (channel == null || !sent.add(channelName)) {
                    continue;
                }
                Deliveries.Delivery delivery = new Deliveries.Delivery(channel, notice, false);
                if (channel.type() == NotifyChannel.Type.PAGERDUTY && stepId != null
                        && kind != NotifyEvent.APPROVAL_WAITING) {
                    openIncidents.computeIfAbsent(cutover.id() + "/" + stepId, key -> ConcurrentHashMap.newKeySet())
                            .add(delivery);
                }
                deliveries.deliver(delivery);
            }
        }
    }

    private static void mention(String role, String contact, List<String> mentions, List<String> addresses) {
        mentions.add(role + " " + contact);
        if (contact.matches("[^@\\s]+@[^@\\s]+")) {
            addresses.add(contact);
        }
    }
}
