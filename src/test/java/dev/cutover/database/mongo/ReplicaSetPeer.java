package dev.cutover.database.mongo;

import java.time.Duration;
import java.util.List;

/**
 * A three-member replica set the mongo tests run against: {@link StubReplicaSet} where no mongod
 * can run, a real one in containers where Docker exists. Members in config order: two tagged
 * {@code cloud: gcp} (the first one primary), the last one {@code cloud: aws}.
 */
interface ReplicaSetPeer extends AutoCloseable {

    String uri();

    List<String> hosts();

    default String gcpPrimary() {
        return hosts().get(0);
    }

    default String gcpSecondary() {
        return hosts().get(1);
    }

    default String aws() {
        return hosts().get(2);
    }

    /** Stops the member from applying writes, so that its optime falls behind. */
    void pauseReplication(String host);

    void resumeReplication(String host);

    /** Makes the primary see the member as unreachable (health 0). */
    void makeUnhealthy(String host);

    /** Puts the member into RECOVERING (a real server: maintenance mode). */
    void makeRecovering(String host);

    /** How long the primary may take to notice a change in another member (heartbeats). */
    Duration heartbeatDelay();

    @Override
    void close();
}
