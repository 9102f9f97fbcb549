package dev.cutover.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One DNS record set as both providers and runbooks spell it: an absolute name, a type, a TTL and
 * the values in presentation format. Values are normalized (IP literals canonical, names absolute
 * and lower case, TXT quoted) and sorted, so two record sets are equal exactly when DNS sees them
 * as the same.
 */
public record RecordSet(String name, String type, long ttlSeconds, List<String> values) {

    public RecordSet {
        name = DnsNames.absolute(name);
        type = type.trim().toUpperCase(Locale.ROOT);
        if (ttlSeconds < 0 || ttlSeconds > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("TTL " + ttlSeconds + " s is out of range");
        }
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("a record set needs at least one value: " + name + " " + type);
        }
        String recordType = type;
        values = values.stream().map(value -> normalize(recordType, value)).distinct().sorted().toList();
    }

    public RecordKey key() {
        return new RecordKey(name, type);
    }

    public RecordSet withTtl(long newTtlSeconds) {
        return new RecordSet(name, type, newTtlSeconds, values);
    }

    /** {@code www.example.com. 60 A 192.0.2.1,192.0.2.2}: for summaries and messages. */
    public String describe() {
        return name + " " + ttlSeconds + " " + type + " " + String.join(",", values);
    }

    /** The record set as evidence: plain values only. */
    public Map<String, Object> evidence() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("name", name);
        evidence.put("type", type);
        evidence.put("ttl", ttlSeconds);
        evidence.put("values", values);
        return evidence;
    }

    private static String normalize(String type, String value) {
        String trimmed = value.trim();
        return switch (type) {
            case "A", "AAAA" -> ipLiteral(type, trimmed);
            case "CNAME", "NS", "PTR", "DNAME" -> DnsNames.absolute(trimmed);
            case "TXT", "SPF" -> trimmed.startsWith("\"") ? trimmed : "\"" + trimmed.replace("\"", "\\\"") + "\"";
            default -> trimmed;
        };
    }

    private static String ipLiteral(String type, String value) {
        boolean looksRight = "A".equals(type) ? value.matches("\\d{1,3}(\\.\\d{1,3}){3}") : value.contains(":")
                && value.matches("[0-9A-Fa-f:.]+");
        if (!looksRight) {
            throw new IllegalArgumentException("'" + value + "' is not an IPv" + ("A".equals(type) ? "4" : "6")
                    + " address, as a " + type + " record needs");
        }
        try {
            return InetAddress.getByName(value).getHostAddress(); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + value + "' is not a valid " + type + " value", e);
        }
    }
}
