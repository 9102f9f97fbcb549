package dev.cutover.dns.route53;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where a Route 53 hosted zone is and how to reach it.
 *
 * @param hostedZoneId    e.g. {@code Z0123456789ABCDEFGHIJ}
 * @param zone            the zone's name, only needed for record names written relative to it; may be null
 * @param region          signing region ({@code aws-global} for the public Route 53 endpoint)
 * @param endpoint        endpoint override (a stub, a proxy), or null for AWS
 * @param accessKeyId     static credentials, or null for the default credentials chain
 * @param secretAccessKey static credentials, or null for the default credentials chain
 * @param pollEvery       how often GetChange is asked while the change is PENDING
 */
public record Route53Settings(String hostedZoneId, String zone, String region, URI endpoint, String accessKeyId,
                              String secretAccessKey, Duration pollEvery) {

    public Route53Settings {
        if (hostedZoneId == null || hostedZoneId.isBlank()) {
            throw new IllegalArgumentException("a route53 connection needs the setting 'hostedZoneId'");
        }
        hostedZoneId = hostedZoneId.replaceFirst("^/?hostedzone/", "");
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new IllegalArgumentException("give both accessKeyId and secretAccessKey, or neither");
        }
    }

    /** Reads {@code hostedZoneId}, {@code zone}, {@code region}, {@code endpoint}, {@code accessKeyId}, {@code secretAccessKey}, {@code pollIntervalMs}. */
    static Route53Settings from(Function<String, Optional<String>> settings) {
        return new Route53Settings(settings.apply("hostedZoneId").orElse(null), settings.apply("zone").orElse(null),
                settings.apply("region").orElse("aws-global"),
                settings.apply("endpoint").map(String::trim).map(URI::create).orElse(null),
                settings.apply("accessKeyId").orElse(null), settings.apply("secretAccessKey").orElse(null),
                Duration.ofMillis(settings.apply("pollIntervalMs").map(String::trim).map(Long::parseLong).orElse(5000L)));
    }

    /** Never shows the secret key. */
    @Override
    public String toString() {
        return "route53 hosted zone " + hostedZoneId + (zone == null ? "" : " (" + zone + ")")
                + (endpoint == null ? "" : " at " + endpoint);
    }
}
