package dev.cutover.database.mongo;

import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The mongo steps against a real three-member {@code mongo:7} replica set: where Docker exists
 * (Linux, host networking). Skipped without Docker. Each test gets a fresh replica set, because
 * promotion and retirement change it for good.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerReplicaSetTests extends MongoReplicaSetContract {

    @Override
    protected ReplicaSetPeer startPeer() {
        return new ContainerReplicaSetPeer();
    }
}
