package dev.cutover.storage.gcs;

import dev.cutover.storage.ObjectStores;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Opens {@code type: gcs} connections. Settings: {@code project}; {@code credentials}, a service-account key
 * as a file path ({@code ${env:GOOGLE_KEY_PATH}}) or as the key's JSON itself (what {@code ${file:/path}}
 * resolves to); without it application default credentials, or none with an {@code endpoint} (an emulator);
 * {@code endpoint}; {@code uploadChunkSizeMiB} for resumable uploads.
 */
@Configuration(proxyBeanMethods = false)
class GcsStoreOpener {

    private static final long MIB = 1024 * 1024;

    @Bean("gcs")
    ObjectStores.StoreOpener gcs() {
        return (settings, bucket, prefix) -> GcsObjectStores.open(settings(settings, bucket, prefix));
    }

    static GcsSettings settings(Function<String, Optional<String>> settings, String bucket, String prefix) {
        Optional<String> credentials = settings.apply("credentials").map(String::strip).filter(v -> !v.isEmpty());
        boolean json = credentials.filter(v -> v.startsWith("{")).isPresent();
        return new GcsSettings(bucket, prefix, settings.apply("project").orElse(null),
                credentials.filter(v -> !json).map(Path::of).orElse(null),
                credentials.filter(v -> json).orElse(null),
                settings.apply("endpoint").map(String::strip).filter(v -> !v.isEmpty()).map(URI::create).orElse(null),
                0,
                settings.apply("uploadChunkSizeMiB").map(v -> Long.parseLong(v.strip()) * MIB).orElse(0L),
                0, null);
    }
}
