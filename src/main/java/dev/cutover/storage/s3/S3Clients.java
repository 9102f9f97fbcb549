package dev.cutover.storage.s3;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the SDK client an {@link S3ObjectStore} uses. */
final class S3Clients {

    /** The SDK's backoff after throttling starts at 1 s and never waits more than 20 s. */
    private static final Duration SDK_FIRST_RETRY_DELAY = Duration.ofSeconds(1);
    private static final Duration SDK_MAX_RETRY_DELAY = Duration.ofSeconds(20);

    private S3Clients() {
    }

    static S3Client build(S3Settings settings) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                .forcePathStyle(settings.pathStyle())
                .putAuthScheme(new UnsignedPayloadOverHttp())
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(settings.maxConnections())
                        .connectionAcquisitionTimeout(Duration.ofMinutes(1))
                        .tcpKeepAlive(true))
                // The SDK's own retries: 429/500/502/503/504, SlowDown and other throttling codes, connection
                // resets and timeouts, with exponential backoff and jitter. ADAPTIVE (the default) also slows this
                // client down (client-side rate limiting) while S3 keeps throttling; one client serves one bucket,
                // which is the scope that mode is meant for.
                .overrideConfiguration(o -> o.retryStrategy(retryStrategy(settings)))
                // Checksums only where we ask for them: puts declare the source's CRC32C themselves
                // (x-amz-checksum-crc32c), and the SDK must not add its own CRC32 trailer on top of it.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                // Readers verify CRC32C themselves (ranges cannot be verified by the SDK anyway).
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }

    /**
     * The SDK's adaptive (or standard) strategy with the connection's attempts and, when set, its backoff: the
     * same exponential, fully jittered delays after throttling and after other failures (the SDK's own start at
     * 1 s and 50 ms). A store on-prem, or a test, may want retries sooner than AWS's throttling needs.
     */
    static RetryStrategy retryStrategy(S3Settings settings) {
        RetryStrategy.Builder<?, ?> strategy = (settings.retryMode() == S3Settings.RetryMode.STANDARD
                ? AwsRetryStrategy.standardRetryStrategy().toBuilder()
                : AwsRetryStrategy.adaptiveRetryStrategy().toBuilder())
                .maxAttempts(settings.maxAttempts());
        if (settings.firstRetryDelay() != null || settings.maxRetryDelay() != null) {
            Duration max = settings.maxRetryDelay() != null ? settings.maxRetryDelay() : SDK_MAX_RETRY_DELAY;
            Duration first = settings.firstRetryDelay() != null ? settings.firstRetryDelay() : min(SDK_FIRST_RETRY_DELAY, max);
            BackoffStrategy backoff = BackoffStrategy.exponentialDelay(first, max);
            strategy.backoffStrategy(backoff).throttlingBackoffStrategy(backoff);
        }
        return strategy.build();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static AwsCredentialsProvider credentials(S3Settings settings) {
        if (settings.accessKeyId() != null) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
