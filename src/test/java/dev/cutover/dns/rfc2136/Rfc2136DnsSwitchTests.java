package dev.cutover.dns.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.dns.BindTestZone;
import dev.cutover.dns.DnsException;
import dev.cutover.dns.DnsSwitch;
import dev.cutover.dns.InSyncWait;
import dev.cutover.dns.RecordKey;
import dev.cutover.dns.RecordSet;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What only the RFC 2136 adapter does: TSIG refusals that say why without the secret, and the zone's own records. */
class Rfc2136DnsSwitchTests {

    private static final BindTestZone ZONE = new BindTestZone();

    @Test
    void readsTheRecordsTheZoneFileShipsWith() {
        try (DnsSwitch dns = open(ZONE.server().tsigSecret())) {
            assertThat(dns.read(new RecordKey("api." + ZONE.zone(), "A"))).contains(
                    new RecordSet("api." + ZONE.zone(), "A", 3600, List.of("192.0.2.20", "192.0.2.21")));
            assertThat(dns.zone()).contains(ZONE.zone());
        }
    }

    @Test
    void aWrongTsigSecretIsRefusedAsNotAuthorizedWithoutShowingTheSecret() {
        String wrong = Base64.getEncoder().encodeToString("not-the-key-of-this-zone-32bytes".getBytes());
        try (DnsSwitch dns = open(wrong)) {
            RecordSet set = new RecordSet("tsig-check." + ZONE.zone(), "A", 60, List.of("192.0.2.99"));

            assertThatThrownBy(() -> dns.upsert(set, InSyncWait.of(Duration.ofSeconds(5))))
                    .isInstanceOf(DnsException.class)
                    .hasMessageContaining("TSIG")
                    .hasMessageNotContaining(wrong)
                    .hasMessageNotContaining(ZONE.server().tsigSecret());
            assertThat(ZONE.lookUp(set.key())).isEmpty();
        }
    }

    @Test
    void aSecretThatIsNotBase64IsRefusedBeforeAnythingIsSent() {
        assertThatThrownBy(() -> open("%%% not base64 %%%"))
                .isInstanceOf(DnsException.class)
                .hasMessageContaining("secret is base64")
                .hasMessageNotContaining("%%% not base64 %%%");
    }

    private static DnsSwitch open(String secret) {
        Map<String, String> settings = new HashMap<>(ZONE.connectionSettings(secret));
        return new Rfc2136SwitchOpener().open(setting -> Optional.ofNullable(settings.get(setting)));
    }
}
