package dev.cutover.database.mongo;

import com.mongodb.MongoException;
import org.bson.Document;

/**
 * MongoDB's {@code fsyncLock}: a counted lock that makes every write on one mongod wait (reads go
 * on). Each {@code fsync: 1, lock: true} adds one; writes resume only when {@code fsyncUnlock} has
 * brought the count back to 0.
 */
final class FsyncLock {

    /** More locks than any retried freeze could have taken: past this, someone else keeps locking. */
    private static final int MAX_UNLOCKS = 100;

    private FsyncLock() {
    }

    /** {@code currentOp} reports {@code fsyncLock: true} while the count is above 0. */
    static boolean isLocked(ReplicaSet replicaSet, String host) {
        Document currentOp = replicaSet.admin(host, new Document("currentOp", 1).append("active", true));
        return currentOp.getBoolean("fsyncLock", false);
    }

    /** Flushes and locks; returns the lock count afterwards. */
    static int lock(ReplicaSet replicaSet, String host) {
        Document locked = replicaSet.admin(host, new Document("fsync", 1).append("lock", true));
        return locked.get("lockCount", Number.class).intValue();
    }

    /**
     * Unlocks until the count is 0 and returns how many unlocks that took (0 when not locked).
     * Looping rather than one unlock: a freeze step that was retried, or run again after a
     * restart, has locked more than once, and one unlock would leave the primary refusing writes.
     */
    static int unlockFully(ReplicaSet replicaSet, String host) {
        if (!isLocked(replicaSet, host)) {
            return 0;
        }
        int unlocks = 0;
        while (unlocks < MAX_UNLOCKS) {
            Document unlocked;
            try {
                unlocked = replicaSet.admin(host, new Document("fsyncUnlock", 1));
            } catch (MongoException e) {
                if (MongoFailures.hasCode(e, MongoFailures.ILLEGAL_OPERATION)) {
                    return unlocks; // "fsyncUnlock called when not locked": someone else unlocked meanwhile
                }
                throw e;
            }
            unlocks++;
            Number count = unlocked.get("lockCount", Number.class);
            if (count == null || count.intValue() == 0) {
                return unlocks;
            }
        }
        throw new IllegalStateException(host + " is still fsync-locked after " + MAX_UNLOCKS
                + " fsyncUnlock calls: another tool keeps locking it");
    }
}
