package dev.cutover.step;

import dev.cutover.step.SampledGate.Verdict;

/**
 * One charted reading of a sampled gate: the lag of one replica or replica-set member against the
 * gate's threshold. The cutover module stores every one of them with the cutover, the step and the
 * time ({@link StepContext#recordSamples}) so the dashboard can chart six hours of a lag gate.
 *
 * @param series      the replica or member the reading is about, e.g. {@code orders-replica}
 * @param lagMs       the lag in milliseconds; null when it is unknown (replication stopped or
 *                    broken, status unreadable, no primary) — unknown is never 0
 * @param thresholdMs the gate's threshold ({@code maxLag}) in milliseconds
 * @param verdict     whether this reading was within the threshold, outside it, or broken
 */
public record GateSample(String series, Long lagMs, long thresholdMs, Verdict verdict) implements ChartedSample {

    public GateSample {
        if (series == null || series.isBlank()) {
            throw new IllegalArgumentException("a gate sample needs the name of its replica or member");
        }
        if (verdict == null) {
            throw new IllegalArgumentException("a gate sample needs a verdict");
        }
        if (lagMs == null && verdict == Verdict.WITHIN) {
            throw new IllegalArgumentException("an unknown lag cannot be within the threshold (" + series + ")");
        }
    }

    /** A reading with a known lag, judged against the threshold alone. */
    public static GateSample of(String series, long lagMs, long thresholdMs) {
        return new GateSample(series, lagMs, thresholdMs, lagMs <= thresholdMs ? Verdict.WITHIN : Verdict.OUTSIDE);
    }

    /** A reading whose lag is unknown: outside the threshold, or broken when replication is. */
    public static GateSample unknown(String series, long thresholdMs, boolean broken) {
        return new GateSample(series, null, thresholdMs, broken ? Verdict.BROKEN : Verdict.OUTSIDE);
    }
}
