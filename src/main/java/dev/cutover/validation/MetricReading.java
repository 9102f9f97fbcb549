package dev.cutover.validation;

import java.util.List;

/** What one query answered, as a gate sees it: one value, nothing, too much, a refusal, or no answer. */
sealed interface MetricReading {

    /** Exactly one series (or a scalar) with this value. */
    record Value(double value) implements MetricReading {
    }

    /** No series, or a NaN value (e.g. 0/0 while there is no traffic): there is nothing to judge. */
    record NoData(String why) implements MetricReading {
    }

    /** Several series: the query must aggregate them (sum, max, ...) to one value. */
    record SeveralSeries(List<String> series) implements MetricReading {
    }

    /** This query was refused for good (bad syntax, unknown metric stat): the gate fails. */
    record Refused(String why) implements MetricReading {
    }

    /** The source could not be read (unreachable, 5xx, throttled): neither pass nor fail, the window restarts. */
    record Unreadable(String why) implements MetricReading {
    }
}
