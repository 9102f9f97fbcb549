package dev.cutover.monitoring;

import io.micrometer.core.instrument.Tags;

/**
 * One exported value: a metric name (Prometheus style, units in the name) with its labels.
 * Labels are bounded: cutover id, runbook, phase, step, type, state, series names the runbook
 * declares — never a secret, never an object key.
 */
record Figure(String metric, Tags tags, double value) {
}
