package dev.cutover.storage.plan;

import dev.cutover.storage.KeyOrder;

/**
 * A span of the key space, (after, upTo] in {@link KeyOrder}: a partition of a sync plans and copies
 * only its own span. A null {@code after} starts at the beginning, a null {@code upTo} runs to the end.
 */
public record KeySpan(String after, String upTo) {

    public static final KeySpan ALL = new KeySpan(null, null);

    /** Whether {@code key} is past the span's end (so that a listing in key order can stop there). */
    public boolean beyond(String key) {
        return upTo != null && KeyOrder.compare(key, upTo) > 0;
    }

    /** Where a listing resumes: after the checkpoint when there is one (it lies inside the span), else after the span's start. */
    public String resumeAfter(String checkpoint) {
        return checkpoint != null ? checkpoint : after;
    }

    @Override
    public String toString() {
        return "(" + (after == null ? "start" : "'" + after + "'") + ", " + (upTo == null ? "end" : "'" + upTo + "'") + "]";
    }
}
