package dev.cutover.storage.plan;

/** How a key compares between source and target. */
public enum Difference {
    /** Only on the source: to copy. */
    NEW,
    /** On both, but size or checksum differs, or the checksum cannot be established: to copy. */
    CHANGED,
    /** On both with the same size and checksum (or the same source generation already copied). */
    UNCHANGED,
    /** Only on the target: reported; deleted only with {@code deleteExtra: true} under a {@code maxDelete} guard. */
    EXTRA_ON_TARGET
}
