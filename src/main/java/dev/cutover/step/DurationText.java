package dev.cutover.step;

import java.time.Duration;

/** Writes durations the way runbooks spell them: {@code 250ms}, {@code 60s}, {@code 5m}, {@code 1h30m}. */
public final class DurationText {

    private DurationText() {
    }

    public static String of(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        append(text, duration.toHours(), "h");
        append(text, duration.toMinutesPart(), "m");
        append(text, duration.toSecondsPart(), "s");
        append(text, duration.toMillisPart(), "ms");
        return text.length() == 0 ? duration.toString() : text.toString();
    }

    private static void append(StringBuilder text, long amount, String unit) {
        if (amount > 0) {
            text.append(amount).append(unit);
        }
    }
}
