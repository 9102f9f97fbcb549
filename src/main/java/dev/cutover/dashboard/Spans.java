package dev.cutover.dashboard;

import java.time.Duration;

/** Durations in the words the war room reads aloud: "45 s", "3 min 20 s", "1 h 12 min", "6 h". */
final class Spans {

    private Spans() {
    }

    static String words(Duration span) {
        Duration d = span.isNegative() ? span.negated() : span;
        long seconds = d.toSeconds();
        if (seconds == 0 && !d.isZero()) {
            return "under 1 s"; // a gate approved at once, not "0 s"
        }
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 600) {
            // Under ten minutes the seconds still matter (a rehearsal's steps take seconds).
            return d.toMinutes() + " min" + (d.toSecondsPart() == 0 ? "" : " " + d.toSecondsPart() + " s");
        }
        long hours = d.toHours();
        long minutes = d.toMinutesPart();
        if (hours == 0) {
            return minutes + " min";
        }
        return hours + " h" + (minutes == 0 ? "" : " " + minutes + " min");
    }

    static String words(double seconds) {
        return words(Duration.ofMillis(Math.round(seconds * 1000)));
    }
}
