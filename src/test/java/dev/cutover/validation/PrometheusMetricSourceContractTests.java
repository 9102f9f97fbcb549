package dev.cutover.validation;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Prometheus adapter passes the {@link MetricSourceContract}, on a real Prometheus behind basic auth. */
class PrometheusMetricSourceContractTests extends MetricSourceContract {

    private static final String PASSWORD = "pr0m-Contract-pa55-do-not-leak";
    private static LocalPrometheus prometheus;

    @BeforeAll
    static void start() {
        prometheus = LocalPrometheus.startWithBasicAuth("gate", PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Override
    protected String type() {
        return "prometheus";
    }

    @Override
    protected Map<String, String> settings(boolean refused) {
        return Map.of("url", prometheus.url(), "user", "gate", "password", "${env:" + SECRET_ENV + "}");
    }

    @Override
    protected String secret(boolean refused) {
        return refused ? "not-" + PASSWORD : PASSWORD;
    }

    @Override
    protected void set(String metric, double value) {
        prometheus.set(metric, value);
        prometheus.awaitQuery("max(" + metric + ")", "\"" + value + "\"");
    }

    @Override
    protected Map<String, String> reads(String metric) {
        return Map.of("query", "max(" + metric + ")");
    }

    @Override
    protected String refusalSays() {
        return "answered HTTP 401 to the query: check the connection's credentials";
    }
}
