package dev.cutover.dashboard;

import java.time.Duration;
import java.time.Instant;

/**
 * The cutover's time budget ({@code window:} in its runbook) against the elapsed time and the
 * projected end. Amber when the p90 end passes the end of the window, red when the median (p50)
 * end passes it or the elapsed time already did; {@code verdict} says it in words, so the state is
 * never told by colour alone.
 *
 * @param window    the budget
 * @param end       when the window closes: the first step's start plus the window (now plus the window before any start)
 * @param tone      {@code ok}, {@code amber} or {@code red}
 * @param verdict   e.g. "p90 ends 25 min after the window"; null when there is no forecast and time is left
 */
public record WindowBudget(Duration window, Instant end, String tone, String verdict) {

    /**
     * @param startedAt the first step's start; null before any phase ran
     * @param until     now, or when the cutover ended
     * @param p50End    the projected median end; null without a forecast (or once the cutover ended)
     * @param p90End    the projected p90 end; null without a forecast
     */
    static WindowBudget of(Duration window, Instant startedAt, Instant until, Instant p50End, Instant p90End) {
        if (window == null) {
            return null;
        }
        Instant end = (startedAt == null ? until : startedAt).plus(window);
        if (until.isAfter(end)) {
            return new WindowBudget(window, end, "red", "elapsed time is " + Spans.words(Duration.between(end, until))
                    + " past the window");
        }
        if (p50End != null && p50End.isAfter(end)) {
            return new WindowBudget(window, end, "red", "p50 ends " + Spans.words(Duration.between(end, p50End))
                    + " after the window");
        }
        if (p90End != null && p90End.isAfter(end)) {
            return new WindowBudget(window, end, "amber", "p90 ends " + Spans.words(Duration.between(end, p90End))
                    + " after the window");
        }
        if (p90End != null) {
            return new WindowBudget(window, end, "ok", "p90 ends " + Spans.words(Duration.between(p90End, end))
                    + " before the window closes");
        }
        return new WindowBudget(window, end, "ok", null);
    }

    public String windowWords() {
        return Spans.words(window);
    }

    public boolean over() {
        return !"ok".equals(tone);
    }

    /** The page's tone class for this budget. */
    public String css() {
        return switch (tone) {
            case "red" -> "tone-bad";
            case "amber" -> "tone-attention";
            default -> "tone-good";
        };
    }
}
