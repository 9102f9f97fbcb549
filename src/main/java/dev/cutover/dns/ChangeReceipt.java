package dev.cutover.dns;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A change the provider has in sync: its id (Route 53 change id, or the zone's SOA serial after an
 * RFC 2136 update), the status last seen, and how long and how many polls the wait took.
 */
public record ChangeReceipt(String changeId, String status, long waitedMillis, int polls) {

    public Map<String, Object> evidence() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("changeId", changeId);
        evidence.put("status", status);
        evidence.put("inSyncAfterMs", waitedMillis);
        evidence.put("polls", polls);
        return evidence;
    }
}
