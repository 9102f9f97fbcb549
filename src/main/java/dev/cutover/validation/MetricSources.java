package dev.cutover.validation;

import dev.cutover.step.ResolvedConnection;
import java.time.Duration;
import java.util.List;

/** Opens the {@link MetricSource} adapter of a connection's type, once its queries are known to fit that type. */
final class MetricSources {

    static final List<String> TYPES = List.of("prometheus", "cloudwatch");

    private MetricSources() {
    }

    /**
     * @param requestTimeout how long one read may take (a sample must not outlast its interval by much)
     * @throws IllegalArgumentException when the connection is of another type, its settings are
     *                                  wrong, or a query is written for the other type
     */
    static MetricSource open(ResolvedConnection connection, List<GateQuery> queries, Duration requestTimeout) {
        String type = connection.type();
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("connection '" + connection.name() + "' is of type " + type
                    + "; a metric-gate reads a prometheus connection, e.g. { type: prometheus, url: \"http://prometheus:9090\" }, "
                    + "or a cloudwatch connection, e.g. { type: cloudwatch, region: eu-west-1 }");
        }
        for (int i = 0; i < queries.size(); i++) {
            GateQuery query = queries.get(i);
            if (!query.query().connectionType().equals(type)) {
                throw new IllegalArgumentException("queries[" + i + "] (" + query.name() + ") is written for a "
                        + query.query().connectionType() + " connection, but connection '" + connection.name() + "' is "
                        + type + ": " + ("prometheus".equals(type)
                        ? "write its PromQL as query:"
                        : "write expression: (metric math) or metric: with namespace: and stat:, not query:"));
            }
        }
        return "prometheus".equals(type) ? PrometheusQueries.of(connection, requestTimeout)
                : CloudWatchMetrics.of(connection, requestTimeout);
    }
}
