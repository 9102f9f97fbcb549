package dev.cutover.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.storage.Crc32c;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStores;
import dev.cutover.storage.SharedClients;
import dev.cutover.storage.PutOptions;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The settings of a {@code type: gcs} connection, as the runbook gives them (secret references resolved). */
class GcsStoreOpenerTests {

    @Test
    void readsTheConnectionSettings() {
        GcsSettings settings = GcsStoreOpener.settings(settings(Map.of("project", "acme-prod",
                "credentials", "/run/secrets/gcs.json", "endpoint", "http://127.0.0.1:4443",
                "uploadChunkSizeMiB", "32")), "assets", "img");

        assertThat(settings.bucket()).isEqualTo("assets");
        assertThat(settings.prefix()).isEqualTo("img/");
        assertThat(settings.project()).isEqualTo("acme-prod");
        assertThat(settings.credentialsFile()).isEqualTo(Path.of("/run/secrets/gcs.json"));
        assertThat(settings.credentialsJson()).isNull();
        assertThat(settings.endpoint()).isEqualTo(URI.create("http://127.0.0.1:4443"));
        assertThat(settings.uploadChunkSize()).isEqualTo(32L * 1024 * 1024);
    }

    @Test
    void aKeyGivenAsItsJsonIsNotTakenForAPath() {
        // ${file:/path} resolves to the file's contents, ${env:NAME} usually to a path.
        GcsSettings settings = GcsStoreOpener.settings(settings(Map.of("credentials", " {\"type\":\"service_account\"}")),
                "b", "");

        assertThat(settings.credentialsFile()).isNull();
        assertThat(settings.credentialsJson()).startsWith("{");
    }

    @Test
    void nothingSetMeansGoogleWithApplicationDefaultCredentials() {
        GcsSettings settings = GcsStoreOpener.settings(settings(Map.of()), "b", "");

        assertThat(settings.endpoint()).isNull();
        assertThat(settings.credentialsFile()).isNull();
        assertThat(settings.credentialsJson()).isNull();
        assertThat(settings.uploadChunkSize()).isEqualTo(GcsSettings.DEFAULT_UPLOAD_CHUNK_SIZE);
    }

    @Test
    void opensAStoreOnTheEndpointWithoutCredentials() {
        try (FakeGcsServer fake = new FakeGcsServer().start()) {
            fake.createBucket("opened");
            try (ObjectStore store = new GcsStoreOpener().gcs(new SharedClients<>(storage -> { }))
                    .open(settings(Map.of("endpoint", fake.endpoint())), "opened", "p")) {
                byte[] data = {1, 2, 3};
                store.put("k", new ByteArrayInputStream(data), 3, PutOptions.withChecksum(Crc32c.of(data)));
                assertThat(store.describe()).isEqualTo("gcs://opened/p/");
                assertThat(fake.get("opened", "p/k")).isEqualTo(data);
            }
        }
    }

    @Test
    void storesOfTheSameConnectionShareOneClientThatOutlivesThem() {
        try (FakeGcsServer fake = new FakeGcsServer().start()) {
            fake.createBucket("shared");
            fake.createBucket("other");
            SharedClients<com.google.cloud.storage.Storage> clients = new GcsStoreOpener().gcsClients();
            ObjectStores.StoreOpener opener = new GcsStoreOpener().gcs(clients);
            Map<String, String> connection = Map.of("endpoint", fake.endpoint());
            opener.open(settings(connection), "shared", "").close();
            try (ObjectStore again = opener.open(settings(connection), "other", "x")) {
                assertThat(again.list("", null).count()).isZero(); // the closed store left the shared client open
            }
            assertThat(clients.size()).isEqualTo(1);
            clients.close();
        }
    }

    @Test
    void anUnreadableKeyFileIsAConfigurationError() {
        assertThatThrownBy(() -> new GcsStoreOpener().gcs(new SharedClients<>(storage -> { }))
                .open(settings(Map.of("credentials", "/nonexistent/key.json")), "b", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/nonexistent/key.json");
        assertThatThrownBy(() -> new GcsStoreOpener().gcs(new SharedClients<>(storage -> { }))
                .open(settings(Map.of("credentials", "{\"type\":\"authorized_user\"}")), "b", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("service-account key JSON")
                .hasMessageNotContaining("authorized_user\"}");
    }

    private static Function<String, Optional<String>> settings(Map<String, String> values) {
        return name -> Optional.ofNullable(values.get(name));
    }
}
