package dev.cutover.step;

/**
 * One charted reading of a metric query, by a {@code metric-gate} or the metric guard of another
 * step: the value against the query's {@code pass} and {@code failWhen} conditions.
 *
 * @param series   the query's name; a guard's queries are named {@code guard: <name>}
 * @param value    the value read; null when there was none (no data, unreadable, refused) — never 0
 *                 for no data. A value that is not finite (a division by zero) is kept as null too.
 * @param unit     the query's {@code unit:} (e.g. {@code s}, {@code ms}); null when it has none
 * @param pass     what the value must meet for the window to run on; null when the query has none
 * @param failWhen what fails the gate at once; null when the query has none
 * @param verdict  what this reading said
 */
public record MetricSample(String series, Double value, String unit, Bound pass, Bound failWhen, Verdict verdict)
        implements ChartedSample {

    /** What one reading said, as stored and sent: {@code pass}, {@code fail}, {@code fail-when}, {@code no-data}. */
    public enum Verdict {
        /** The value met {@code pass} (or the query has only a {@code failWhen}, which it did not meet). */
        PASS("pass"),
        /** The value missed {@code pass}: the window starts again. */
        FAIL("fail"),
        /** The value met {@code failWhen}: the gate fails at once. */
        FAIL_WHEN("fail-when"),
        /** No value: no data, unreadable, refused, or several series. */
        NO_DATA("no-data");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /**
     * A condition a chart can draw: an operator and a number, and the condition as the runbook wrote it.
     *
     * @param operator one of {@code <}, {@code <=}, {@code >}, {@code >=}, {@code ==}, {@code !=}
     * @param text     e.g. {@code < 0.01}
     */
    public record Bound(String operator, double value, String text) {
    }

    public MetricSample {
        if (series == null || series.isBlank()) {
            throw new IllegalArgumentException("a metric sample needs the name of its query");
        }
        if (verdict == null) {
            throw new IllegalArgumentException("a metric sample needs a verdict");
        }
        if (value != null && !Double.isFinite(value)) {
            value = null;
        }
        if (unit != null && unit.isBlank()) {
            unit = null;
        }
    }
}
