package dev.cutover.dns;

import java.util.Locale;

/** Absolute DNS names (lower case, one trailing dot) and names written relative to a zone. */
public final class DnsNames {

    private DnsNames() {
    }

    /** {@code WWW.Example.com} becomes {@code www.example.com.}. */
    public static String absolute(String name) {
        String trimmed = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (trimmed.isEmpty() || trimmed.equals(".")) {
            throw new IllegalArgumentException("a DNS name is needed");
        }
        return trimmed.endsWith(".") ? trimmed : trimmed + ".";
    }

    /**
     * A runbook's record name inside {@code zone}: {@code @} is the apex, a name with a trailing dot
     * or ending in the zone's name is taken as it is, anything else is relative to the zone
     * ({@code www} in {@code example.com.} is {@code www.example.com.}). Without a zone every name is absolute.
     */
    public static String inZone(String name, String zone) {
        if (zone == null || zone.isBlank()) {
            return absolute(name);
        }
        String origin = absolute(zone);
        String trimmed = name.trim();
        if (trimmed.equals("@")) {
            return origin;
        }
        String candidate = absolute(trimmed);
        if (trimmed.endsWith(".") || candidate.equals(origin) || candidate.endsWith("." + origin)) {
            return candidate;
        }
        return absolute(trimmed + "." + origin);
    }
}
