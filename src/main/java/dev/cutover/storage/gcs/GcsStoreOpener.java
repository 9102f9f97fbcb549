package dev.cutover.storage.gcs;

import com.google.cloud.storage.Storage;
import dev.cutover.storage.ObjectStores;
import dev.cutover.storage.SharedClients;
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

    /** One client per credentials, endpoint and retry settings: a Storage client serves any bucket. */
    @Bean
    SharedClients<Storage> gcsClients() {
        return new SharedClients<>(storage -> {
            try {
                storage.close();
            } catch (Exception ignored) {
                // shutting down
            }
        });
    }

    @Bean("gcs")
    ObjectStores.StoreOpener gcs(SharedClients<Storage> gcsClients) {
        return (settings, bucket, prefix) -> {
            GcsSettings gcs = settings(settings, bucket, prefix);
            Storage client = gcsClients.get(() -> GcsClients.build(gcs), gcs.project(), gcs.credentialsFile(),
                    gcs.credentialsJson(), gcs.endpoint(), gcs.maxAttempts(), gcs.firstRetryDelay());
            return new GcsObjectStore(client, gcs, false);
        };
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
