package dev.cutover.step;

/**
 * One reading a gate hands to {@link StepContext#recordSamples} for the dashboard's charts: the lag
 * of a replica or member ({@link GateSample}) or the value of a metric query ({@link MetricSample}).
 * Either way the reading names its series; the cutover module stores it with the cutover, the step
 * and the time.
 */
public sealed interface ChartedSample permits GateSample, MetricSample {

    /** What the chart is about: a replica or member, or a metric query (e.g. {@code error-rate}). */
    String series();
}
