package dev.cutover.dns.route53;

import dev.cutover.dns.DnsSwitch;
import dev.cutover.dns.DnsSwitchOpener;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.Route53ClientBuilder;

/**
 * Opens {@code type: route53} connections. Settings: {@code hostedZoneId} (required), {@code zone}
 * (for relative record names), {@code region} (aws-global), {@code endpoint} (override),
 * {@code accessKeyId}/{@code secretAccessKey} (secret references; without them the default
 * credentials chain), {@code pollIntervalMs} (5000).
 */
@Component
public class Route53SwitchOpener implements DnsSwitchOpener {

    @Override
    public String connectionType() {
        return "route53";
    }

    @Override
    public DnsSwitch open(Function<String, Optional<String>> settings) {
        Route53Settings route53 = Route53Settings.from(settings);
        return new Route53DnsSwitch(route53, client(route53));
    }

    static Route53Client client(Route53Settings settings) {
        Route53ClientBuilder builder = Route53Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                // Explicit: the classpath holds more than one SDK HTTP client (S3 uses Apache too).
                .httpClientBuilder(ApacheHttpClient.builder());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(Route53Settings settings) {
        if (settings.accessKeyId() != null) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
