package dev.cutover.storage;

/** What a sync run does. */
public enum SyncMode {
    /** Copy everything new or changed; the first sync weeks ahead. */
    FULL,
    /** The same plan, meant for the scheduled runs in between: only NEW and CHANGED move. */
    DELTA,
    /** A delta, then a verification of every object; fails unless the verification is clean. */
    FINAL;

    public static SyncMode parse(String text) {
        return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
