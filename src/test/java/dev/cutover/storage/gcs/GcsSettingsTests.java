package dev.cutover.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GcsSettingsTests {

    @Test
    void defaults() {
        GcsSettings settings = GcsSettings.of("assets");
        assertThat(settings.prefix()).isEmpty();
        assertThat(settings.listPageSize()).isEqualTo(1000);
        assertThat(settings.uploadChunkSize()).isEqualTo(16L * 1024 * 1024);
        assertThat(settings.maxAttempts()).isEqualTo(8);
        assertThat(settings.firstRetryDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.endpoint()).isNull();
        assertThat(settings.credentialsFile()).isNull();
        assertThat(settings.describe()).isEqualTo("gcs://assets/");
    }

    @Test
    void aPrefixIsADirectory() {
        assertThat(GcsSettings.of("b").with(s -> s.prefix("/logs")).prefix()).isEqualTo("logs/");
        assertThat(GcsSettings.of("b").with(s -> s.prefix("logs/")).describe()).isEqualTo("gcs://b/logs/");
    }

    @Test
    void theKeyIsNeverPrinted() {
        GcsSettings json = new GcsSettings("b", "", null, null, "{\"private_key\":\"very-secret\"}", null, 0, 0, 0, null);
        assertThat(json.toString()).contains("hidden").doesNotContain("very-secret");
        assertThat(GcsSettings.of("b").with(s -> s.credentialsFile(Path.of("/keys/sa.json"))).toString())
                .contains("/keys/sa.json");
    }

    @Test
    void impossibleSettingsAreRefused() {
        assertThatThrownBy(() -> GcsSettings.of(" ")).hasMessageContaining("bucket");
        assertThatThrownBy(() -> GcsSettings.of("b").with(s -> s.uploadChunkSize(1000))).hasMessageContaining("256 KiB");
        assertThatThrownBy(() -> new GcsSettings("b", "", null, Path.of("/k.json"), "{}", null, 0, 0, 0, null))
                .hasMessageContaining("not both");
        assertThat(GcsSettings.of("b").with(s -> s.listPageSize(5000)).listPageSize()).isEqualTo(1000);
    }
}
