package dev.cutover.cutover;

/** What a person (or the scheduler) may ask of a cutover; the REST paths follow these names. */
public enum CutoverAction {
    START_PHASE, APPROVE, PAUSE, RESUME, RESTART_PHASE, ABORT, ROLLBACK;

    /** The name used in {@code allowedActions}: {@code start-phase}, {@code rollback}, ... */
    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
