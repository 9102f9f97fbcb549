package dev.cutover.runbook;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration format of runbooks: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 6h}, {@code 1d},
 * combinations from the largest unit to the smallest such as {@code 1h30m}, and ISO-8601 such as
 * {@code PT5M}. Negative durations are rejected.
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|d|h|m|s)");
    private static final List<String> UNITS = List.of("d", "h", "m", "s", "ms");
    private static final String FORMATS =
            "write 250ms, 30s, 5m, 6h, 1d, a combination such as 1h30m, or ISO-8601 such as PT5M";

    private Durations() {
    }

    /**
     * Parses a duration written in a runbook.
     *
     * @throws IllegalArgumentException with a message saying what is wrong and how to write it
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a duration is missing: " + FORMATS);
        }
        String written = text.trim();
        if (written.startsWith("P") || written.startsWith("p") || written.startsWith("-P") || written.startsWith("-p")) {
            return parseIso(written);
        }
        if (written.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + written + "' is not a duration: it has no unit; write e.g. "
                    + written + "s or " + written + "m");
        }
        Matcher part = PART.matcher(written);
        Duration total = Duration.ZERO;
        int position = 0;
        int lastUnit = -1;
        while (position < written.length()) {
            part.region(position, written.length());
            if (!part.lookingAt()) {
                throw new IllegalArgumentException("'" + written + "' is not a duration: " + FORMATS);
            }
            int unit = UNITS.indexOf(part.group(2));
            if (unit <= lastUnit) {
                throw new IllegalArgumentException("'" + written + "' is not a duration: units must go from the "
                        + "largest to the smallest, each once (e.g. 1d2h30m)");
            }
            total = total.plus(amount(written, part.group(1), part.group(2)));
            lastUnit = unit;
            position = part.end();
        }
        return total;
    }

    /** Writes a duration the way runbooks do, e.g. {@code 1h30m}, {@code 250ms}, {@code 0s}. */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder(duration.isNegative() ? "-" : "");
        Duration rest = duration.abs();
        append(text, rest.toDays(), "d");
        append(text, rest.toHoursPart(), "h");
        append(text, rest.toMinutesPart(), "m");
        append(text, rest.toSecondsPart(), "s");
        append(text, rest.toMillisPart(), "ms");
        return text.toString();
    }

    private static void append(StringBuilder text, long amount, String unit) {
        if (amount > 0) {
            text.append(amount).append(unit);
        }
    }

    private static Duration parseIso(String written) {
        Duration duration;
        try {
            duration = Duration.parse(written);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + written + "' is not an ISO-8601 duration: write e.g. PT5M, PT1H30M or P1D");
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("'" + written + "' is negative: a duration must be zero or more");
        }
        return duration;
    }

    private static Duration amount(String written, String digits, String unit) {
        try {
            long amount = Long.parseLong(digits);
            return switch (unit) {
                case "d" -> Duration.ofDays(amount);
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMillis(amount);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + written + "' is too large for a duration");
        }
    }
}
