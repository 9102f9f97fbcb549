package dev.cutover.storage;

import java.util.Optional;

/** Optional: a store that can tell whether its objects are deleted automatically after an age. */
public interface LifecycleRules {

    /** The age in days after which a lifecycle rule deletes objects, if any rule does. */
    Optional<Integer> deleteAfterDays();
}
