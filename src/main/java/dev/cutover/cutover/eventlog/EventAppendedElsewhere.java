package dev.cutover.cutover.eventlog;

/**
 * An event another service instance appended to the log, read back from the database by this
 * instance's {@link EventLogFollower}. Published besides (never instead of) the appending instance's
 * own {@link CutoverEvent}, so what only one instance must do (notify people) listens to
 * {@link CutoverEvent} alone, and what every instance must do (feed its screens, forget cached
 * figures, stop a step it runs) listens to both.
 */
public record EventAppendedElsewhere(CutoverEvent event) {
}
