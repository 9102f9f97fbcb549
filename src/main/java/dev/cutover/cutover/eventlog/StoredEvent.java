package dev.cutover.cutover.eventlog;

import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;

/**
 * A {@link CutoverEvent} as read for a replay: the same fields in the same order, so it serialises to
 * the same JSON, but the evidence stays the JSON text it was stored as. Ten replays of 100,000 events
 * parsed every evidence into maps only to write them out again: a tenth of the service's CPU and most
 * of its garbage in bench/load.sh, while the API's requests waited.
 *
 * @param evidence the stored evidence JSON, written into the event's JSON as it is
 */
record StoredEvent(long id, String cutoverId, Instant occurredAt, String phase, String stepId, String actor,
                   String origin, String action, String outcome, String message, @JsonRawValue String evidence) {
}
