package dev.cutover.database.mongo;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bson.Document;

/**
 * One member as the primary sees it: state and health from {@code replSetGetStatus}, priority,
 * visibility, votes and tags from {@code replSetGetConfig}. Optimes of other members reach the
 * primary on heartbeats and replication progress reports, so they can be seconds old.
 *
 * @param optime last applied oplog entry; null when unknown (arbiter, unreachable member)
 * @param optimeDate wall time of {@code optime}, one-second resolution; null when unknown
 * @param syncSourceHost the member it replicates from; empty for the primary or when it has none
 */
record MemberStatus(int id, String name, String stateStr, double health, OpTime optime, Instant optimeDate,
                    Instant optimeDurableDate, String syncSourceHost, double priority, boolean hidden, int votes,
                    Map<String, String> tags) {

    static final String PRIMARY = "PRIMARY";
    static final String SECONDARY = "SECONDARY";

    MemberStatus {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    static MemberStatus of(Document status, Document config) {
        Map<String, String> tags = new LinkedHashMap<>();
        Document configTags = config == null ? null : config.get("tags", Document.class);
        if (configTags != null) {
            configTags.forEach((key, value) -> tags.put(key, String.valueOf(value)));
        }
        return new MemberStatus(status.get("_id", Number.class).intValue(), status.getString("name"),
                status.getString("stateStr"), number(status.get("health"), 0), OpTime.of(status.get("optime")),
                instant(status.get("optimeDate")), instant(status.get("optimeDurableDate")),
                status.getString("syncSourceHost") == null ? "" : status.getString("syncSourceHost"),
                config == null ? 0 : number(config.get("priority"), 1), config != null && config.getBoolean("hidden", false),
                config == null ? 0 : (int) number(config.get("votes"), 1), tags);
    }

    boolean healthy() {
        return health == 1;
    }

    boolean isPrimary() {
        return PRIMARY.equals(stateStr);
    }

    boolean isSecondary() {
        return SECONDARY.equals(stateStr);
    }

    /** What the evidence shows of this member; {@code lagSeconds} is null when unknown. */
    Map<String, Object> evidence(Double lagSeconds) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("state", stateStr);
        evidence.put("health", health);
        evidence.put("lagSeconds", lagSeconds);
        evidence.put("optime", optime == null ? null : optime.toString());
        evidence.put("optimeDate", optimeDate == null ? null : optimeDate.toString());
        evidence.put("optimeDurableDate", optimeDurableDate == null ? null : optimeDurableDate.toString());
        evidence.put("syncSourceHost", syncSourceHost);
        evidence.put("priority", priority);
        evidence.put("hidden", hidden);
        evidence.put("votes", votes);
        evidence.put("tags", tags);
        return evidence;
    }

    private static double number(Object value, double fallback) {
        return value instanceof Number number ? number.doubleValue() : fallback;
    }

    private static Instant instant(Object value) {
        return value instanceof Date date ? date.toInstant() : null;
    }
}
