package dev.cutover.notify;

import dev.cutover.runbook.NotifyEvent;
import java.time.Instant;
import java.util.List;

/**
 * One thing to tell people, as every channel renders it.
 *
 * @param eventId   the event-log id it comes from (0 for an overrun, which the notifier finds itself)
 * @param mentions  whom it is for, as text ("owner cto", "approvers (role APPROVER)")
 * @param addresses the mentioned contacts that are e-mail addresses (an e-mail channel adds them)
 * @param dedupKey  one key per cutover, step and kind of event: PagerDuty groups repeats under it
 */
record Notice(NotifyEvent event, long eventId, String cutoverId, String runbook, String environment, boolean rehearsal,
              String phase, String stepId, String action, String outcome, String message, Instant occurredAt,
              String link, List<String> mentions, List<String> addresses, String dedupKey) {

    Notice {
        mentions = List.copyOf(mentions);
        addresses = List.copyOf(addresses);
    }

    /** "REHEARSAL · gcp-to-aws/staging: step freeze failed" — the subject or title of every channel. */
    String title() {
        String what = switch (event) {
            case APPROVAL_WAITING -> "gate " + stepId + " is waiting for an approver";
            case STEP_FAILED -> "step " + stepId + " failed";
            case STEP_OVERRUN -> "step " + stepId + " is overrunning";
            case ROLLBACK_STARTED -> "rollback started";
            case ROLLBACK_FAILED -> "rollback failed";
            case ROLLBACK_REFUSED -> "automatic rollback refused, a person must decide";
            case CUTOVER_COMPLETED -> "cutover completed";
            case CUTOVER_ROLLED_BACK -> "cutover rolled back";
        };
        return (rehearsal ? "REHEARSAL · " : "") + runbook + "/" + environment + ": " + what;
    }

    /** A short severity word: PagerDuty's scale (critical, error, warning, info). */
    String severity() {
        return switch (event) {
            case STEP_FAILED, ROLLBACK_FAILED, ROLLBACK_REFUSED -> "critical";
            case ROLLBACK_STARTED -> "error";
            case STEP_OVERRUN, APPROVAL_WAITING -> "warning";
            case CUTOVER_COMPLETED, CUTOVER_ROLLED_BACK -> "info";
        };
    }
}
