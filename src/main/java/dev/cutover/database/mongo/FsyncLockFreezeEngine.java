package dev.cutover.database.mongo;

import dev.cutover.database.WriteFreezeEngine;
import dev.cutover.database.WritePosition;
import dev.cutover.step.ResolvedConnection;
import dev.cutover.step.StepContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code write-freeze} with {@code strategy: fsync-lock} for a MongoDB replica set: locks the
 * current primary against writes; unfreezing unlocks whichever member is primary then (the lock
 * pins the primary: a locked mongod can neither write a new config nor step down, so it is still
 * primary unless {@code mongo-promote} has unlocked it already, in which case there is nothing
 * left to unlock). The write position is the primary's newest non-no-op oplog entry.
 */
@Component
class FsyncLockFreezeEngine implements WriteFreezeEngine {

    @Override
    public String connectionType() {
        return MongoSettings.TYPE;
    }

    @Override
    public String strategy() {
        return "fsync-lock";
    }

    @Override
    public Map<String, Object> freeze(ResolvedConnection connection, StepContext context) throws Exception {
        try (ReplicaSet replicaSet = ReplicaSet.open(connection)) {
            return MongoFailures.translate(context, "fsyncLock on the primary of " + connection.name(), () -> {
                String primary = replicaSet.requirePrimary();
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("primary", primary);
                if (FsyncLock.isLocked(replicaSet, primary)) {
                    // Locking again would only raise the count that unfreeze must bring down.
                    evidence.put("fsyncLock", "already locked");
                    return evidence;
                }
                evidence.put("fsyncLock", "locked");
                evidence.put("lockCount", FsyncLock.lock(replicaSet, primary));
                context.progress("primary " + primary + " of " + connection.name() + " fsync-locked", evidence);
                return evidence;
            });
        }
    }

    @Override
    public Map<String, Object> unfreeze(ResolvedConnection connection, StepContext context) throws Exception {
        try (ReplicaSet replicaSet = ReplicaSet.open(connection)) {
            return MongoFailures.translate(context, "fsyncUnlock on the primary of " + connection.name(), () -> {
                String primary = replicaSet.requirePrimary();
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("primary", primary);
                int unlocks = FsyncLock.unlockFully(replicaSet, primary);
                evidence.put("fsyncUnlocks", unlocks);
                evidence.put("fsyncLock", unlocks == 0 ? "was not locked (mongo-promote unlocks before stepping down)"
                        : "released, lock count 0");
                return evidence;
            });
        }
    }

    @Override
    public WritePosition writePosition(ResolvedConnection connection) throws Exception {
        try (ReplicaSet replicaSet = ReplicaSet.open(connection)) {
            return OplogPosition.of(replicaSet, replicaSet.requirePrimary());
        }
    }
}
