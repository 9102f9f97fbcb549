package dev.cutover.instance;

import java.time.Instant;
import java.util.List;

/**
 * An instance as {@code GET /api/instances} and the dashboard show it.
 *
 * @param lease {@code LIVE} while its lease runs, {@code EXPIRED} once it ran out (a stopped or dead instance)
 * @param self  whether it is the instance that answered
 * @param runs  the work recorded as its own and still under way
 */
public record InstanceStatus(String id, String host, long pid, Instant startedAt, Instant renewedAt,
                             Instant expiresAt, Lease lease, boolean self, List<InstanceWork.Item> runs) {

    /** Whether an instance's lease still runs, by the database's clock. */
    public enum Lease {
        LIVE, EXPIRED, UNKNOWN
    }
}
