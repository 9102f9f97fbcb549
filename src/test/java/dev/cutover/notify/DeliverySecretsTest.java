package dev.cutover.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.runbook.UnresolvableSecretException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliverySecretsTest {

    @TempDir
    Path dir;

    @Test
    void aResolvedWebhookUrlIsMaskedWholeAndByItsPath() throws Exception {
        Files.writeString(dir.resolve("url"), "https://hooks.example.com/services/T0/B0/tok3n?key=k3y-value\n");
        DeliverySecrets secrets = new DeliverySecrets();

        URI url = secrets.resolveUrl("${file:" + dir.resolve("url") + "}");

        assertThat(url.getHost()).isEqualTo("hooks.example.com");
        assertThat(secrets.mask("POST " + url + " failed")).isEqualTo("POST ****** failed");
        assertThat(secrets.mask("no route to /services/T0/B0/tok3n")).isEqualTo("no route to ******");
        assertThat(secrets.mask("query key=k3y-value")).isEqualTo("query ******");
    }

    @Test
    void aPlainUrlIsNoSecretAndAMissingReferenceNamesOnlyTheReference() {
        DeliverySecrets secrets = new DeliverySecrets();
        secrets.resolveUrl("https://events.pagerduty.com/v2/enqueue");
        assertThat(secrets.mask("https://events.pagerduty.com/v2/enqueue")).isEqualTo("https://events.pagerduty.com/v2/enqueue");

        assertThatThrownBy(() -> secrets.resolve("${env:NOTIFY_TEST_UNSET_VARIABLE}"))
                .isInstanceOf(UnresolvableSecretException.class)
                .hasMessage("secret reference ${env:NOTIFY_TEST_UNSET_VARIABLE} cannot be resolved: "
                        + "environment variable NOTIFY_TEST_UNSET_VARIABLE is not set");
    }
}
