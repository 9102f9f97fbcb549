package dev.cutover.storage.gcs;

import dev.cutover.storage.BucketKeys;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Where a {@link GcsObjectStore} points and how it talks to Google Cloud Storage (JSON API over HTTP).
 *
 * @param bucket          the bucket
 * @param prefix          object-name prefix inside the bucket that the store maps its keys under ("" for the
 *                        whole bucket); a non-empty prefix is given a trailing {@code /}
 * @param project         the project requests are billed to, or null: taken from the service-account key if
 *                        there is one, else found by the client library (environment, gcloud configuration,
 *                        metadata server); not needed for object operations, so with an {@code endpoint} and no
 *                        credentials a placeholder is sent instead of looking for one
 * @param credentialsFile a service-account JSON key file, or null
 * @param credentialsJson the same key's JSON itself (what a {@code ${file:...}} secret reference resolves to),
 *                        or null; never printed
 * @param endpoint        the API's root URL (an emulator, a fake, a private endpoint), or null for Google's.
 *                        With an endpoint and no key the client sends no credentials at all; with neither, it
 *                        uses application default credentials
 * @param listPageSize    objects per listing page (1..1000)
 * @param uploadChunkSize bytes per request of a resumable upload, a multiple of 256 KiB; objects smaller
 *                        than one chunk go up in a single request. One chunk is held in memory per upload
 * @param maxAttempts     attempts per request, the first one included, with exponential backoff between them
 * @param firstRetryDelay the backoff before the first retry (default 1 s), doubled for each further one up to 32 s
 */
public record GcsSettings(String bucket, String prefix, String project, Path credentialsFile, String credentialsJson,
                          URI endpoint, int listPageSize, long uploadChunkSize, int maxAttempts,
                          Duration firstRetryDelay) {

    public static final int DEFAULT_LIST_PAGE_SIZE = 1000;
    /** GCS wants resumable chunks in multiples of 256 KiB (the last one excepted). */
    public static final long CHUNK_GRANULARITY = 256 * 1024;
    public static final long DEFAULT_UPLOAD_CHUNK_SIZE = 16L * 1024 * 1024;
    public static final int DEFAULT_MAX_ATTEMPTS = 8;
    public static final Duration DEFAULT_FIRST_RETRY_DELAY = Duration.ofSeconds(1);

    public GcsSettings {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("a GCS store needs a bucket");
        }
        prefix = BucketKeys.normalizePrefix(prefix);
        project = project == null || project.isBlank() ? null : project.trim();
        credentialsJson = credentialsJson == null || credentialsJson.isBlank() ? null : credentialsJson;
        if (credentialsFile != null && credentialsJson != null) {
            throw new IllegalArgumentException("give the service-account key as a file or as JSON, not both");
        }
        listPageSize = listPageSize > 0 ? Math.min(listPageSize, 1000) : DEFAULT_LIST_PAGE_SIZE;
        uploadChunkSize = uploadChunkSize > 0 ? uploadChunkSize : DEFAULT_UPLOAD_CHUNK_SIZE;
        if (uploadChunkSize % CHUNK_GRANULARITY != 0 || uploadChunkSize > Integer.MAX_VALUE - CHUNK_GRANULARITY) {
            throw new IllegalArgumentException("uploadChunkSize " + uploadChunkSize
                    + " must be a multiple of 256 KiB (GCS's granularity for resumable uploads) below 2 GiB");
        }
        maxAttempts = maxAttempts > 0 ? maxAttempts : DEFAULT_MAX_ATTEMPTS;
        firstRetryDelay = firstRetryDelay == null || firstRetryDelay.isNegative() || firstRetryDelay.isZero()
                ? DEFAULT_FIRST_RETRY_DELAY : firstRetryDelay;
    }

    /** Defaults for everything but the bucket: whole bucket, Google's endpoint, application default credentials. */
    public static GcsSettings of(String bucket) {
        return new GcsSettings(bucket, "", null, null, null, null, 0, 0, 0, null);
    }

    /**
     * A copy with some settings changed, checked like any new one, e.g.
     * {@code settings.with(s -> s.prefix("logs/").maxAttempts(1))} (tests use one bucket per test).
     */
    public GcsSettings with(Consumer<Changes> changes) {
        Changes copy = new Changes(this);
        changes.accept(copy);
        return copy.settings();
    }

    /** The settings of a {@link #with} copy; whatever is not set stays as it was. */
    public static final class Changes {
        private String bucket;
        private String prefix;
        private String project;
        private Path credentialsFile;
        private String credentialsJson;
        private URI endpoint;
        private int listPageSize;
        private long uploadChunkSize;
        private int maxAttempts;
        private Duration firstRetryDelay;

        private Changes(GcsSettings from) {
            bucket = from.bucket;
            prefix = from.prefix;
            project = from.project;
            credentialsFile = from.credentialsFile;
            credentialsJson = from.credentialsJson;
            endpoint = from.endpoint;
            listPageSize = from.listPageSize;
            uploadChunkSize = from.uploadChunkSize;
            maxAttempts = from.maxAttempts;
            firstRetryDelay = from.firstRetryDelay;
        }

        public Changes bucket(String bucket) {
            this.bucket = bucket;
            return this;
        }

        public Changes prefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        /** The service-account key as a file, in place of any key JSON. */
        public Changes credentialsFile(Path credentialsFile) {
            this.credentialsFile = credentialsFile;
            this.credentialsJson = null;
            return this;
        }

        public Changes endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        public Changes listPageSize(int listPageSize) {
            this.listPageSize = listPageSize;
            return this;
        }

        public Changes uploadChunkSize(long uploadChunkSize) {
            this.uploadChunkSize = uploadChunkSize;
            return this;
        }

        public Changes maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Changes firstRetryDelay(Duration firstRetryDelay) {
            this.firstRetryDelay = firstRetryDelay;
            return this;
        }

        private GcsSettings settings() {
            return new GcsSettings(bucket, prefix, project, credentialsFile, credentialsJson, endpoint, listPageSize,
                    uploadChunkSize, maxAttempts, firstRetryDelay);
        }
    }

    /** {@code gcs://bucket/prefix}. */
    public String describe() {
        return "gcs://" + bucket + "/" + prefix;
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        String credentials = credentialsFile != null ? "key file " + credentialsFile
                : credentialsJson != null ? "key JSON (hidden)"
                : endpoint != null ? "none" : "application default";
        return "GcsSettings[" + describe() + ", project=" + project + ", endpoint=" + endpoint + ", credentials="
                + credentials + ", listPageSize=" + listPageSize + ", uploadChunkSize=" + uploadChunkSize
                + ", maxAttempts=" + maxAttempts + ", firstRetryDelay=" + firstRetryDelay + "]";
    }
}
