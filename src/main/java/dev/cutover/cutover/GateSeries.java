package dev.cutover.cutover;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.util.List;

/**
 * The readings of one series of one gate, oldest first: what a chart draws. A {@code lag} series is
 * one replica or member of a lag gate; a {@code metric} series is one query of a metric gate (or of a
 * step's metric guard, named {@code guard: <query>}). In JSON each point is an array
 * {@code [t, value, verdict]} — {@code t} in milliseconds since the epoch, {@code value} null when
 * there was none (unknown lag, no data: never 0) — so six hours of one-second samples stay small. A
 * lag point's value is the lag in whole milliseconds and its verdict {@code within}, {@code outside}
 * or {@code broken}; a metric point's value is a decimal in {@code unit} and its verdict
 * {@code pass}, {@code fail} (missed pass), {@code fail-when} or {@code no-data}.
 *
 * @param kind        {@code lag} or {@code metric}
 * @param unit        {@code ms} for lag; a metric query's {@code unit:}, null when it has none
 * @param thresholdMs a lag gate's threshold ({@code maxLag}) in milliseconds, as of the newest point; null for a metric
 * @param pass        the condition a value must meet (a lag gate's is {@code <= thresholdMs}); null when none
 * @param failWhen    the condition that fails a metric gate at once; null when none
 */
public record GateSeries(String stepId, String series, String kind, String unit, Long thresholdMs, Condition pass,
                         Condition failWhen, List<Point> points) {

    public static final String LAG = "lag";
    public static final String METRIC = "metric";

    /** One reading: when, the value (null: unknown or no data), and what it said. */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    public record Point(long t, Number value, String verdict) {
    }

    /** A condition as an operator and a number a chart can draw, and as the runbook wrote it ({@code < 0.01}). */
    public record Condition(String operator, double value, String text) {
    }

    public boolean lag() {
        return LAG.equals(kind);
    }
}
