package dev.cutover.validation;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one gate query asks its metrics source, in the source's own language: PromQL for a
 * {@code prometheus} connection, a metric math expression or one metric statistic for a
 * {@code cloudwatch} connection. The runbook's keys tell them apart ({@code query:} against
 * {@code expression:} or {@code metric:}), so the shape is known before any connection is opened.
 */
sealed interface MetricQuery {

    /** The connection type that understands this query. */
    String connectionType();

    /** The query as the evidence shows it. */
    String text();

    /** {@code query:} — an instant PromQL query. */
    record PromQl(String query) implements MetricQuery {

        @Override
        public String connectionType() {
            return "prometheus";
        }

        @Override
        public String text() {
            return query;
        }
    }

    /** A CloudWatch query: the latest datapoint of {@code period}-long buckets. */
    sealed interface CloudWatch extends MetricQuery {

        Duration period();

        @Override
        default String connectionType() {
            return "cloudwatch";
        }
    }

    /** {@code expression:} — metric math, a SEARCH expression or a Metrics Insights query. */
    record Expression(String expression, Duration period) implements CloudWatch {

        @Override
        public String text() {
            return expression;
        }
    }

    /** {@code namespace:} + {@code metric:} + {@code stat:} (+ {@code dimensions:}) — one metric's statistic. */
    record Stat(String namespace, String metric, String stat, Map<String, String> dimensions, Duration period)
            implements CloudWatch {

        public Stat {
            dimensions = Map.copyOf(dimensions);
        }

        @Override
        public String text() {
            String dims = dimensions.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
            return namespace + " " + metric + " " + stat + (dims.isEmpty() ? "" : " {" + dims + "}");
        }
    }
}
