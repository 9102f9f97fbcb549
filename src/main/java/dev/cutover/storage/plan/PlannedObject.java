package dev.cutover.storage.plan;

import dev.cutover.storage.StoredObject;

/**
 * One key of a sync plan.
 *
 * @param source the source object, null for {@link Difference#EXTRA_ON_TARGET}
 * @param target the target object, null for {@link Difference#NEW}
 * @param reason why it is CHANGED (e.g. "size 10 → 12"), or what decided UNCHANGED
 */
public record PlannedObject(Difference difference, StoredObject source, StoredObject target, String reason) {

    public String key() {
        return source != null ? source.key() : target.key();
    }

    public boolean toCopy() {
        return difference == Difference.NEW || difference == Difference.CHANGED;
    }
}
