package dev.cutover.validation;

import java.util.List;
import java.util.Map;

/**
 * Port: where a metric gate reads its values. One adapter per connection type
 * ({@link PrometheusQueries}, {@link CloudWatchMetrics}); every adapter passes the same contract
 * test, so the gate judges their readings alike.
 */
interface MetricSource extends AutoCloseable {

    /**
     * Reads every query now (an adapter may ask them all in one request).
     *
     * @return one reading per query name, in the order given
     * @throws MetricQueryException when the source refuses the whole request for good (wrong
     *                              credentials, no permission): retrying cannot help
     */
    Map<String, MetricReading> read(List<GateQuery> queries) throws MetricQueryException, InterruptedException;

    /** What to check when the source refuses or cannot be reached, for preflight hints. */
    String hint();

    @Override
    default void close() {
    }
}
