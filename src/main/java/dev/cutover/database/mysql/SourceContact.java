package dev.cutover.database.mysql;

import dev.cutover.step.DurationText;
import java.time.Duration;
import java.util.Optional;

/**
 * What a replica has heard from its source, as far as it says: heartbeats received, the heartbeat
 * period, and the position its IO thread received (binlog offset and GTIDs). A replica cut off from
 * its source keeps saying IO thread {@code Yes} and lag 0 until {@code slave_net_timeout} runs out;
 * only the silence tells, and silence needs two looks: contact is proven when the heartbeat count
 * or the received position moved between them.
 *
 * @param heartbeatPeriod 0 when heartbeats are off
 */
record SourceContact(Duration heartbeatPeriod, long heartbeatsReceived, String received) {

    static SourceContact of(ReplicaStatus status, Duration heartbeatPeriod, long heartbeatsReceived) {
        return new SourceContact(heartbeatPeriod, heartbeatsReceived,
                status.sourceLogFile() + ":" + status.readSourceLogPos() + " " + status.retrievedGtids());
    }

    /** True when something arrived from the source between {@code earlier} and this look. */
    boolean heardSince(SourceContact earlier) {
        return heartbeatsReceived != earlier.heartbeatsReceived || !received.equals(earlier.received);
    }

    /**
     * How long a connected source may stay silent: two heartbeat periods and a second, or — heartbeats
     * off — a minute, after which an idle source is indistinguishable from a cut-off one.
     */
    Duration allowedSilence() {
        return heartbeatPeriod.isZero() ? Duration.ofMinutes(1) : heartbeatPeriod.multipliedBy(2).plusSeconds(1);
    }

    /** Why a silence of {@code silent} means the replica cannot reach its source, or empty when it does not yet. */
    Optional<String> silenceProblem(Duration silent) {
        if (silent.compareTo(allowedSilence()) <= 0) {
            return Optional.empty();
        }
        return Optional.of("nothing received from the source for " + DurationText.of(silent)
                + (heartbeatPeriod.isZero() ? " (heartbeats are off: set MASTER_HEARTBEAT_PERIOD)"
                        : " (no heartbeat, though one is due every " + DurationText.of(heartbeatPeriod) + ")")
                + ": the replica cannot reach its source");
    }

    /**
     * Follows one replica's contact across looks (a gate's samples): remembers when something last
     * arrived. Contact is unknown until a look saw something arrive.
     */
    static final class Watch {

        private SourceContact last;
        private long lastHeardNanos;
        private final long startedNanos = System.nanoTime();

        /** Empty when the replica heard from its source recently enough; else why it is unknown or lost. */
        Optional<String> observe(SourceContact contact) {
            long now = System.nanoTime();
            if (last != null && contact.heardSince(last)) {
                lastHeardNanos = now;
            }
            last = contact;
            if (lastHeardNanos == 0) {
                Duration waited = Duration.ofNanos(now - startedNanos);
                return Optional.of(contact.silenceProblem(waited).orElse("not yet seen the replica receive anything "
                        + "from its source (heartbeat " + (contact.heartbeatPeriod().isZero() ? "off"
                        : "every " + DurationText.of(contact.heartbeatPeriod())) + ")"));
            }
            return contact.silenceProblem(Duration.ofNanos(now - lastHeardNanos));
        }
    }
}
