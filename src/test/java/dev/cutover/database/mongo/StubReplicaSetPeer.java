package dev.cutover.database.mongo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The stub replica set as a test peer. */
final class StubReplicaSetPeer implements ReplicaSetPeer {

    private final StubReplicaSet set = StubReplicaSet.start("rs0", Map.of("cloud", "gcp"), Map.of("cloud", "gcp"),
            Map.of("cloud", "aws"));

    StubReplicaSet set() {
        return set;
    }

    @Override
    public String uri() {
        return set.uri();
    }

    @Override
    public List<String> hosts() {
        return set.hosts();
    }

    @Override
    public void pauseReplication(String host) {
        set.pause(host);
    }

    @Override
    public void resumeReplication(String host) {
        set.resume(host);
    }

    @Override
    public void makeUnhealthy(String host) {
        set.markUnhealthy(host);
    }

    @Override
    public void makeRecovering(String host) {
        set.state(host, "RECOVERING");
    }

    @Override
    public Duration heartbeatDelay() {
        return Duration.ZERO;
    }

    @Override
    public void close() {
        set.close();
    }
}
