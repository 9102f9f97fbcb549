package dev.cutover.cutover;

import java.time.Instant;

/**
 * What the samples of one query of one metric gate (or a step's metric guard) add up to, for the
 * report of the night.
 *
 * @param noData    how many samples had no value
 * @param min       the smallest value read; null when none was
 * @param max       the largest value read; null when none was
 * @param pass      the query's pass condition as written, e.g. {@code < 0.01}; null when none
 * @param failWhen  its failWhen condition as written; null when none
 * @param firstPass the first sample that met its conditions; null when none did
 */
public record MetricSampleSummary(String stepId, String series, String unit, long samples, long noData, Double min,
                                  Double max, String pass, String failWhen, Instant first, Instant last,
                                  Instant firstPass) {
}
