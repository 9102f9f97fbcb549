package dev.cutover.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class S3SettingsTest {

    @Test
    void defaults() {
        S3Settings settings = S3Settings.of("assets", "eu-west-1");
        assertThat(settings.prefix()).isEmpty();
        assertThat(settings.multipartThreshold()).isEqualTo(64L * 1024 * 1024);
        assertThat(settings.partSize()).isEqualTo(16L * 1024 * 1024);
        assertThat(settings.maxConnections()).isEqualTo(64);
        assertThat(settings.listPageSize()).isEqualTo(1000);
        assertThat(settings.maxAttempts()).isEqualTo(8);
        assertThat(settings.checksumsInListing()).isFalse();
        assertThat(settings.accessKeyId()).isNull();
        assertThat(settings.describe()).isEqualTo("s3://assets/");
    }

    @Test
    void aPrefixIsADirectory() {
        assertThat(S3Settings.of("b", "r").with(s -> s.prefix("/logs")).prefix()).isEqualTo("logs/");
        assertThat(S3Settings.of("b", "r").with(s -> s.prefix("logs/")).describe()).isEqualTo("s3://b/logs/");
    }

    @Test
    void theSecretKeyIsNeverPrinted() {
        S3Settings settings = S3Settings.of("b", "r").with(s -> s.credentials("AKIAEXAMPLE", "very-secret"));
        assertThat(settings.toString()).contains("AKIAEXAMPLE").doesNotContain("very-secret");
    }

    @Test
    void impossibleSettingsAreRefused() {
        assertThatThrownBy(() -> S3Settings.of("b", "r").with(s -> s.multipart(0, 1024))).hasMessageContaining("5 MiB");
        assertThatThrownBy(() -> S3Settings.of("b", "r").with(s -> s.credentials("id", null))).hasMessageContaining("both");
        assertThatThrownBy(() -> S3Settings.of(" ", "r")).hasMessageContaining("bucket");
    }

    @Test
    void retryDelaysAreConnectionSettingsInTheRunbooksDurationFormat() {
        Map<String, String> written = Map.of("region", "eu-west-1", "firstRetryDelay", "200ms", "maxRetryDelay", "5s");
        S3Settings settings = S3StoreOpener.settings(key -> Optional.ofNullable(written.get(key)), "b", "");
        assertThat(settings.firstRetryDelay()).isEqualTo(Duration.ofMillis(200));
        assertThat(settings.maxRetryDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(S3Settings.of("b", "r").firstRetryDelay()).as("unset: the SDK's own").isNull();
        assertThatThrownBy(() -> S3Settings.of("b", "r").with(s -> s.retryDelays(Duration.ofSeconds(2), Duration.ofSeconds(1))))
                .hasMessageContaining("longer than maxRetryDelay");
    }

    @Test
    void partsGrowSoThatAnObjectNeedsAtMostTenThousand() {
        long fiveTiB = 5L * 1024 * 1024 * 1024 * 1024;
        long part = MultipartUpload.partSizeFor(fiveTiB, 16L * 1024 * 1024);
        assertThat((fiveTiB + part - 1) / part).isLessThanOrEqualTo(10_000);
        assertThat(part % (1024 * 1024)).isZero();
        assertThat(MultipartUpload.partSizeFor(100L * 1024 * 1024, 16L * 1024 * 1024)).isEqualTo(16L * 1024 * 1024);
    }
}
