package dev.cutover.storage.s3;

import dev.cutover.storage.ObjectStores;
import java.net.URI;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Opens {@code type: s3} connections. Settings: {@code region} (required), {@code endpoint} and
 * {@code pathStyle} for S3-compatible servers, {@code accessKeyId}/{@code secretAccessKey}
 * (secret references; without them the default credentials chain), {@code multipartThresholdMiB},
 * {@code partSizeMiB}.
 */
@Configuration(proxyBeanMethods = false)
class S3StoreOpener {

    private static final long MIB = 1024 * 1024;

    @Bean("s3")
    ObjectStores.StoreOpener s3() {
        return (settings, bucket, prefix) -> S3ObjectStores.open(settings(settings, bucket, prefix));
    }

    static S3Settings settings(Function<String, Optional<String>> settings, String bucket, String prefix) {
        return new S3Settings(bucket, prefix, settings.apply("region").orElse("us-east-1"),
                settings.apply("endpoint").map(URI::create).orElse(null),
                settings.apply("pathStyle").map(Boolean::parseBoolean).orElse(false),
                settings.apply("accessKeyId").orElse(null), settings.apply("secretAccessKey").orElse(null),
                settings.apply("multipartThresholdMiB").map(v -> Long.parseLong(v) * MIB).orElse(0L),
                settings.apply("partSizeMiB").map(v -> Long.parseLong(v) * MIB).orElse(0L),
                0, 0, 0, false);
    }
}
