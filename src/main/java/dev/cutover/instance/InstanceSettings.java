package dev.cutover.instance;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code cutover.instance.*}.
 *
 * @param id    this instance's name, unique among the instances sharing the database; by default
 *              host, pid and a random suffix. Give a stable one (a pod name) to read it in events.
 * @param lease how long an instance counts as alive after its last renewal (default 30 s). Renewed
 *              every third of it; a dead instance's work is taken over within about one lease.
 */
@ConfigurationProperties("cutover.instance")
record InstanceSettings(String id, Duration lease) {

    InstanceSettings {
        lease = lease == null ? Duration.ofSeconds(30) : lease;
        if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("cutover.instance.lease must be at least 1s, found " + lease
                    + "; the default is 30s");
        }
    }

    Duration renewEvery() {
        return lease.dividedBy(3);
    }

    /** How often others' leases are checked: a sixth of the lease, between 250 ms and 5 s. */
    Duration checkEvery() {
        Duration sixth = lease.dividedBy(6);
        Duration floor = Duration.ofMillis(250);
        Duration ceiling = Duration.ofSeconds(5);
        return sixth.compareTo(floor) < 0 ? floor : sixth.compareTo(ceiling) > 0 ? ceiling : sixth;
    }
}
