package dev.cutover.cutover;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.util.List;

/**
 * The lag readings of one replica or member watched by one gate, oldest first: what a lag chart
 * draws. In JSON each point is an array {@code [t, lagMs, verdict]} — {@code t} in milliseconds
 * since the epoch, {@code lagMs} null when the lag was unknown, {@code verdict} one of
 * {@code within}, {@code outside}, {@code broken} — so six hours of one-second samples stay small.
 *
 * @param thresholdMs the gate's threshold ({@code maxLag}) in milliseconds, as of the newest point
 */
public record GateSeries(String stepId, String series, long thresholdMs, List<Point> points) {

    /** One reading: when, how much lag (null: unknown), and whether it was within the threshold. */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    public record Point(long t, Long lagMs, String verdict) {
    }
}
