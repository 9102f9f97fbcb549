package dev.cutover.notify;

import dev.cutover.runbook.SecretReferences;
import dev.cutover.step.SecretMask;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secrets one delivery resolved (webhook URL, routing key, SMTP password), remembered so that
 * every text about the delivery (a log line, an exception message, the event written to the log)
 * is masked before it leaves. A resolved URL's path is remembered on its own too: that is where a
 * Slack or Teams webhook keeps its token, and some messages name the path without the host.
 */
final class DeliverySecrets {

    private final Set<String> secrets = ConcurrentHashMap.newKeySet();

    /** The value with its secret references resolved now; the resolved parts are remembered. */
    String resolve(String value) {
        return SecretReferences.resolve(value, System::getenv, this::remember);
    }

    /** A resolved URL: remembered as a whole and by its path and query. */
    URI resolveUrl(String value) {
        String resolved = resolve(value);
        URI uri = URI.create(resolved);
        if (SecretReferences.containsReference(value)) {
            remember(uri.getRawPath() != null && uri.getRawPath().length() > 1 ? uri.getRawPath() : null);
            remember(uri.getRawQuery());
        }
        return uri;
    }

    String mask(String text) {
        return SecretMask.mask(text, secrets);
    }

    private void remember(String secret) {
        if (secret != null && secret.length() >= SecretMask.SHORTEST_PIECE) {
            secrets.add(secret);
        }
    }
}
