package dev.cutover.dns.rfc2136;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where an RFC 2136 zone is updated: the primary server, the zone, and the TSIG key that signs
 * updates and queries. The secret is usually a secret reference in the runbook, resolved on read.
 *
 * @param server       host name or IP of the zone's primary (the server that accepts updates)
 * @param port         its DNS port (53)
 * @param zone         the zone's absolute name
 * @param tsigName     the TSIG key name, or null to send unsigned (only for servers that allow updates by address)
 * @param tsigAlgorithm e.g. {@code hmac-sha256}
 * @param tsigSecret   the key's base64 secret
 * @param queryTimeout how long one query or update may take
 * @param pollEvery    how often to query the server while waiting for a change to show
 * @param retries      how many times a message that got no answer is sent again (backoff 250 ms, doubling, at most 2 s)
 */
public record Rfc2136Settings(String server, int port, String zone, String tsigName, String tsigAlgorithm,
                              String tsigSecret, Duration queryTimeout, Duration pollEvery, int retries) {

    public static final int DEFAULT_RETRIES = 3;

    /** Settings with the default number of retries. */
    public Rfc2136Settings(String server, int port, String zone, String tsigName, String tsigAlgorithm,
                           String tsigSecret, Duration queryTimeout, Duration pollEvery) {
        this(server, port, zone, tsigName, tsigAlgorithm, tsigSecret, queryTimeout, pollEvery, DEFAULT_RETRIES);
    }

    public Rfc2136Settings {
        if (server == null || server.isBlank()) {
            throw new IllegalArgumentException("an rfc2136 connection needs the setting 'server' (the zone's primary)");
        }
        if (zone == null || zone.isBlank()) {
            throw new IllegalArgumentException("an rfc2136 connection needs the setting 'zone', e.g. example.com.");
        }
        if ((tsigName == null) != (tsigSecret == null)) {
            throw new IllegalArgumentException("give both tsigKeyName and tsigSecret, or neither");
        }
        if (retries < 0 || retries > 10) {
            throw new IllegalArgumentException("retries of an rfc2136 connection must be 0 to 10, not " + retries);
        }
    }

    /** Reads {@code server}, {@code port}, {@code zone}, {@code tsigKeyName}, {@code tsigAlgorithm}, {@code tsigSecret}, {@code timeoutMs}, {@code pollIntervalMs}, {@code retries}. */
    static Rfc2136Settings from(Function<String, Optional<String>> settings) {
        return new Rfc2136Settings(settings.apply("server").orElse(null),
                settings.apply("port").map(String::trim).map(Integer::parseInt).orElse(53),
                settings.apply("zone").orElse(null),
                settings.apply("tsigKeyName").orElse(null),
                settings.apply("tsigAlgorithm").orElse("hmac-sha256"),
                settings.apply("tsigSecret").map(String::trim).orElse(null),
                Duration.ofMillis(settings.apply("timeoutMs").map(String::trim).map(Long::parseLong).orElse(5000L)),
                Duration.ofMillis(settings.apply("pollIntervalMs").map(String::trim).map(Long::parseLong).orElse(200L)),
                settings.apply("retries").map(String::trim).map(Integer::parseInt).orElse(DEFAULT_RETRIES));
    }

    /** Never shows the secret. */
    @Override
    public String toString() {
        return "rfc2136 " + server + ":" + port + " zone " + zone + (tsigName == null ? " unsigned" : " TSIG key " + tsigName
                + " (" + tsigAlgorithm + ")");
    }
}
