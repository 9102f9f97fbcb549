package dev.cutover.storage.gcs;

import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.storage.BlobWriteSessionConfigs;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.StorageRetryStrategy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

/** Builds the client library's {@link Storage} (HTTP/JSON transport) a {@link GcsObjectStore} uses. */
final class GcsClients {

    /** Sent as the project when talking to an emulator without credentials, instead of searching for one. */
    static final String EMULATOR_PROJECT = "cutover-emulator";

    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(32);

    private GcsClients() {
    }

    static Storage build(GcsSettings settings) {
        ServiceAccountCredentials key = serviceAccountKey(settings);
        StorageOptions.Builder builder = StorageOptions.http()
                .setRetrySettings(retrySettings(settings))
                // The default strategy retries only idempotent requests: uploads, deletes and copies without a
                // generation precondition would fail on the first 503. Repeating any of them is harmless here
                // (the same bytes to the same name; a repeated delete finds nothing), so retry them all.
                .setStorageRetryStrategy(StorageRetryStrategy.getUniformStorageRetryStrategy())
                .setBlobWriteSessionConfig(BlobWriteSessionConfigs.getDefault()
                        .withChunkSize(Math.toIntExact(settings.uploadChunkSize())));
        if (settings.endpoint() != null) {
            builder.setHost(withoutTrailingSlash(settings.endpoint().toString()));
        }
        if (key != null) {
            builder.setCredentials(key);
        } else if (settings.endpoint() != null) {
            builder.setCredentials(NoCredentials.getInstance());
        } // else: application default credentials, found by the library on first use
        String project = settings.project() != null ? settings.project()
                : key != null && key.getProjectId() != null ? key.getProjectId()
                : key == null && settings.endpoint() != null ? EMULATOR_PROJECT
                : null; // null: the library looks for one (environment, gcloud, metadata server)
        if (project != null) {
            builder.setProjectId(project);
        }
        return builder.build().getService();
    }

    /**
     * Exponential backoff from {@code firstRetryDelay}, doubling up to 32 s, jittered; {@code maxAttempts} bounds
     * the attempts and five minutes the whole operation (the library's default of 50 s would cut 8 attempts short).
     */
    static RetrySettings retrySettings(GcsSettings settings) {
        return ServiceOptions.getDefaultRetrySettings().toBuilder()
                .setMaxAttempts(settings.maxAttempts())
                .setInitialRetryDelayDuration(settings.firstRetryDelay())
                .setRetryDelayMultiplier(2.0)
                .setMaxRetryDelayDuration(max(settings.firstRetryDelay(), MAX_RETRY_DELAY))
                .setTotalTimeoutDuration(Duration.ofMinutes(5))
                .build();
    }

    private static ServiceAccountCredentials serviceAccountKey(GcsSettings settings) {
        if (settings.credentialsFile() == null && settings.credentialsJson() == null) {
            return null;
        }
        String source = settings.credentialsFile() != null
                ? "the service-account key file " + settings.credentialsFile()
                : "the service-account key JSON";
        try (InputStream in = settings.credentialsFile() != null
                ? Files.newInputStream(settings.credentialsFile())
                : new ByteArrayInputStream(settings.credentialsJson().getBytes(StandardCharsets.UTF_8))) {
            return ServiceAccountCredentials.fromStream(in);
        } catch (IOException | RuntimeException e) {
            // The library's messages name the problem (missing field, wrong type) and never quote the key.
            throw new IllegalArgumentException("cannot use " + source + " for " + settings.describe() + ": "
                    + e.getMessage(), e);
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
