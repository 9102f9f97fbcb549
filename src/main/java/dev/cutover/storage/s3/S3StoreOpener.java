package dev.cutover.storage.s3;

import dev.cutover.storage.ObjectStores;
import dev.cutover.runbook.Durations;
import dev.cutover.storage.SharedClients;
import java.net.URI;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Opens {@code type: s3} connections. Settings: {@code region} (required), {@code endpoint} and
 * {@code pathStyle} for S3-compatible servers, {@code accessKeyId}/{@code secretAccessKey}
 * (secret references; without them the default credentials chain), {@code multipartThresholdMiB},
 * {@code partSizeMiB}, {@code maxAttempts}, {@code firstRetryDelay} and {@code maxRetryDelay} (durations: {@code 200ms},
 * {@code 5s}), {@code retryMode} ({@code adaptive} or {@code standard}).
 */
@Configuration(proxyBeanMethods = false)
class S3StoreOpener {

    private static final long MIB = 1024 * 1024;

    /** One client per bucket and client settings: the adaptive retry mode slows a client down for its bucket. */
    @Bean
    SharedClients<S3Client> s3Clients() {
        return new SharedClients<>(S3Client::close);
    }

    @Bean("s3")
    ObjectStores.StoreOpener s3(SharedClients<S3Client> s3Clients) {
        return (settings, bucket, prefix) -> {
            S3Settings s3 = settings(settings, bucket, prefix);
            S3Client client = s3Clients.get(() -> S3Clients.build(s3), s3.bucket(), s3.region(), s3.endpoint(),
                    s3.pathStyle(), s3.accessKeyId(), s3.secretAccessKey(), s3.maxConnections(), s3.maxAttempts(),
                    s3.firstRetryDelay(), s3.maxRetryDelay(), s3.retryMode());
            return new S3ObjectStore(client, s3, false);
        };
    }

    static S3Settings settings(Function<String, Optional<String>> settings, String bucket, String prefix) {
        return new S3Settings(bucket, prefix, settings.apply("region").orElse("us-east-1"),
                settings.apply("endpoint").map(URI::create).orElse(null),
                settings.apply("pathStyle").map(Boolean::parseBoolean).orElse(false),
                settings.apply("accessKeyId").orElse(null), settings.apply("secretAccessKey").orElse(null),
                settings.apply("multipartThresholdMiB").map(v -> Long.parseLong(v) * MIB).orElse(0L),
                settings.apply("partSizeMiB").map(v -> Long.parseLong(v) * MIB).orElse(0L),
                0, 0, settings.apply("maxAttempts").map(Integer::parseInt).orElse(0), false,
                settings.apply("firstRetryDelay").map(Durations::parse).orElse(null),
                settings.apply("maxRetryDelay").map(Durations::parse).orElse(null),
                settings.apply("retryMode").map(S3Settings.RetryMode::of).orElse(null));
    }
}
