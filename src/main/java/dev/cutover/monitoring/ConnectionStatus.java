package dev.cutover.monitoring;

import java.time.Instant;

/**
 * What the last probe of one runbook connection saw.
 *
 * @param target         {@code host:port} or directory probed; a note instead when it comes from a secret reference
 * @param reachable      null when the connection cannot be probed (then {@code detail} says why)
 * @param latencySeconds how long the TCP connect took; null when it did not connect
 * @param detail         what went wrong, in words that quote no setting value
 */
record ConnectionStatus(String connection, String type, String target, Boolean reachable, Double latencySeconds,
                        Instant checkedAt, String detail) {
}
