package dev.cutover.cutover;

import java.time.Instant;

/**
 * What the samples of one replica or member of one lag gate add up to, for the report of the night.
 *
 * @param unknown     how many samples had an unknown lag
 * @param maxLagMs    the largest known lag; null when no lag was ever known
 * @param firstWithin the first sample within the threshold; null when none was
 */
public record GateSampleSummary(String stepId, String series, long samples, long unknown, Long maxLagMs, Long thresholdMs,
                                Instant first, Instant last, Instant firstWithin) {
}
