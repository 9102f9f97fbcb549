package dev.cutover.dashboard.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How the report writes times and durations, the same in HTML and Markdown: times in UTC to the
 * second (a report is read in another time zone than the war room's), durations in words a person
 * reads at a glance ({@code 2.4 s}, {@code 12 min 04 s}, {@code 1 h 02 min}).
 */
public final class ReportText {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    public String time(Instant at) {
        return at == null ? "—" : TIME.format(at);
    }

    /** The time of day only, for tables whose day is the report's (the full time is in the header). */
    public String clock(Instant at) {
        return at == null ? "—" : CLOCK.format(at);
    }

    public String duration(Double seconds) {
        if (seconds == null) {
            return "—";
        }
        double s = Math.abs(seconds);
        String sign = seconds < 0 ? "−" : "";
        if (s < 1) {
            return sign + String.format(Locale.ROOT, "%.3f s", s);
        }
        if (s < 10) {
            return sign + String.format(Locale.ROOT, "%.2f s", s);
        }
        if (s < 60) {
            return sign + String.format(Locale.ROOT, "%.1f s", s);
        }
        long whole = Math.round(s);
        if (whole < 3600) {
            return sign + String.format(Locale.ROOT, "%d min %02d s", whole / 60, whole % 60);
        }
        return sign + String.format(Locale.ROOT, "%d h %02d min", whole / 3600, (whole % 3600) / 60);
    }

    /** The cutover's total duration: "not started", "12 min 04 s", or "12 min 04 s so far" while it can still move. */
    public String total(NightReport.Header header) {
        if (header.startedAt() == null) {
            return "not started";
        }
        return duration(header.durationSeconds()) + (header.ended() ? "" : " so far");
    }

    /** A signed difference: {@code +3.20 s} over, {@code −1.00 s} under. */
    public String difference(Double seconds) {
        if (seconds == null) {
            return "—";
        }
        return seconds > 0 ? "+" + duration(seconds) : seconds == 0 ? "±0 s" : duration(seconds);
    }

    public String forecast(NightReport.Forecast forecast) {
        if (forecast == null || !forecast.available()) {
            return forecast == null ? "—" : forecast.verdict();
        }
        return "p50 " + duration(forecast.p50Seconds()) + " · p90 " + duration(forecast.p90Seconds());
    }

    public String p50(NightReport.Forecast forecast) {
        return forecast == null || !forecast.available() ? "—" : duration(forecast.p50Seconds());
    }

    public String p90(NightReport.Forecast forecast) {
        return forecast == null || !forecast.available() ? "—" : duration(forecast.p90Seconds());
    }

    /** How a step's last run ended and, when the rollback changed it since, what it is now. */
    public String outcome(NightReport.StepLine step) {
        String now = state(step.state());
        if (step.outcome() == null || "running".equals(step.outcome()) || step.outcome().equals(now)) {
            return now;
        }
        return step.outcome() + ", now " + now;
    }

    /** The state a step's outcome cell shows first: how its run ended, or its state if it never ended. */
    public String ran(NightReport.StepLine step) {
        return step.outcome() == null || "running".equals(step.outcome()) ? step.state() : step.outcome();
    }

    /** Over/under in words, with the difference to the p50. */
    public String versus(NightReport.Forecast forecast) {
        if (forecast == null || !forecast.available()) {
            return "—";
        }
        if (forecast.differenceSeconds() == null) {
            return forecast.verdict();
        }
        return difference(forecast.differenceSeconds()) + " (" + forecast.verdict() + ")";
    }

    /** {@code AWAITING_APPROVAL} reads as "awaiting approval". */
    public String state(String state) {
        return state == null ? "—" : state.toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** A lag in milliseconds as seconds ({@code 1.5 s}); unknown when null, never 0. */
    public String lag(Long millis) {
        if (millis == null) {
            return "unknown";
        }
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /** A metric's value with its unit, three significant digits; "no data" when there was none. */
    public String metric(Double value, String unit) {
        if (value == null) {
            return "no data";
        }
        String shown = value == 0 || (Math.abs(value) >= 1e-3 && Math.abs(value) < 1e6)
                ? new java.math.BigDecimal(value).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString()
                : String.format(java.util.Locale.ROOT, "%.2e", value);
        return unit == null || unit.isBlank() ? shown : shown + " " + unit;
    }

    public String or(String text) {
        return text == null || text.isBlank() ? "—" : text;
    }

    /** A colour class for a state; the words always say the same, so nothing rests on colour. */
    public String tone(String state) {
        if (state == null) {
            return "tone-idle";
        }
        return switch (state.toUpperCase(Locale.ROOT)) {
            case "SUCCEEDED", "COMPLETED" -> "tone-good";
            case "FAILED", "ROLLBACK_FAILED", "INTERRUPTED", "ABORTED" -> "tone-bad";
            case "ROLLED_BACK", "ROLLING_BACK" -> "tone-undone";
            case "RUNNING", "AWAITING_APPROVAL", "PAUSED", "PAUSING", "STOPPED", "PARTIAL", "RETRYING" -> "tone-attention";
            default -> "tone-idle";
        };
    }

    public String verdictTone(NightReport.Forecast forecast) {
        if (forecast == null || forecast.verdict() == null) {
            return "tone-idle";
        }
        return switch (forecast.verdict()) {
            case "under p50", "as forecast" -> "tone-good";
            case "between p50 and p90" -> "tone-attention";
            case "over p90" -> "tone-bad";
            default -> "tone-idle";
        };
    }
}
