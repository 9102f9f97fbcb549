package dev.cutover.cutover.eventlog;

import java.time.Instant;
import java.util.Map;

/**
 * One line of a cutover's append-only event log: who did what, when, from where, and the
 * evidence seen at that moment. Also published as an application event when appended.
 *
 * @param actor    the authenticated user, or {@code system} / {@code scheduler}
 * @param origin   where the request came from (remote address) when a person acted
 * @param outcome  {@code requested}, {@code started}, {@code succeeded}, {@code failed}, ...
 */
public record CutoverEvent(long id, String cutoverId, Instant occurredAt, String phase, String stepId, String actor,
                           String origin, String action, String outcome, String message, Map<String, Object> evidence) {
}
