package dev.cutover.database.mongo;

/** The mongo steps against the stub replica set: runs everywhere. */
class StubReplicaSetTests extends MongoReplicaSetContract {

    @Override
    protected ReplicaSetPeer startPeer() {
        return new StubReplicaSetPeer();
    }
}
