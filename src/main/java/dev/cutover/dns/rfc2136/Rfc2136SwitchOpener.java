package dev.cutover.dns.rfc2136;

import dev.cutover.dns.DnsSwitch;
import dev.cutover.dns.DnsSwitchOpener;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Opens {@code type: rfc2136} connections. Settings: {@code server}, {@code port} (53), {@code zone},
 * {@code tsigKeyName}, {@code tsigAlgorithm} (hmac-sha256), {@code tsigSecret} (a secret reference),
 * {@code timeoutMs} (5000), {@code pollIntervalMs} (200), {@code retries} (3: a message lost on a lossy link is
 * sent again after 250, 500 and 1000 ms).
 */
@Component
public class Rfc2136SwitchOpener implements DnsSwitchOpener {

    @Override
    public String connectionType() {
        return "rfc2136";
    }

    @Override
    public DnsSwitch open(Function<String, Optional<String>> settings) {
        return new Rfc2136DnsSwitch(Rfc2136Settings.from(settings));
    }
}
