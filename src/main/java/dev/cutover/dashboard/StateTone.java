package dev.cutover.dashboard;

import java.util.Locale;

/**
 * How a state looks on screen: a tone (colour class) and a label. The label always carries the
 * meaning, so the state never rests on colour alone.
 */
public enum StateTone {
    IDLE, ACTIVE, ATTENTION, GOOD, BAD, UNDONE;

    public String css() {
        return "tone-" + name().toLowerCase(Locale.ROOT);
    }

    /** Cutover, phase and step states share their names: one mapping serves all three. */
    static StateTone of(String state) {
        if (state == null) {
            return IDLE;
        }
        return switch (state) {
            case "RUNNING" -> ACTIVE;
            case "AWAITING_APPROVAL", "PAUSING", "PAUSED", "STOPPED", "PARTIAL" -> ATTENTION;
            case "COMPLETED", "SUCCEEDED" -> GOOD;
            case "FAILED", "INTERRUPTED", "ROLLBACK_FAILED", "ABORTED" -> BAD;
            case "ROLLING_BACK", "ROLLED_BACK" -> UNDONE;
            default -> IDLE;
        };
    }

    /** {@code AWAITING_APPROVAL} reads as "awaiting approval". */
    static String label(String state) {
        return state == null ? "" : state.toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
