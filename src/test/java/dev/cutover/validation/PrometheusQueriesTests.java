package dev.cutover.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.runbook.RunbookConnection;
import dev.cutover.step.ResolvedConnection;
import java.util.function.UnaryOperator;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Prometheus adapter alone against a real Prometheus: each kind of answer a gate must tell apart. */
class PrometheusQueriesTests {

    private static LocalPrometheus prometheus;

    @BeforeAll
    static void start() {
        prometheus = LocalPrometheus.start();
        prometheus.set("probe_value", 0.25);
        prometheus.set("probe_zero", 0);
        prometheus.set("probe_routes{route=\"a\"}", 1);
        prometheus.set("probe_routes{route=\"b\"}", 2);
        prometheus.awaitQuery("count(probe_routes)", "\"2\"");
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    void aVectorOfOneSeriesAndAScalarAreValues() throws Exception {
        PrometheusQueries queries = queries(Map.of("url", prometheus.url()));
        assertThat(queries.instant("probe_value")).isEqualTo(new MetricReading.Value(0.25));
        assertThat(queries.instant("scalar(probe_value) * 4")).isEqualTo(new MetricReading.Value(1.0));
        assertThat(queries.instant("1 / probe_zero")).isEqualTo(new MetricReading.Value(Double.POSITIVE_INFINITY));
    }

    @Test
    void noSeriesAndNaNAreNoData() throws Exception {
        PrometheusQueries queries = queries(Map.of("url", prometheus.url() + "/"));
        assertThat(queries.instant("probe_never_exported")).isEqualTo(new MetricReading.NoData("the query returned no series"));
        assertThat(queries.instant("probe_zero / probe_zero")).isInstanceOf(MetricReading.NoData.class);
    }

    @Test
    void severalSeriesAreNamed() throws Exception {
        assertThat(queries(Map.of("url", prometheus.url())).instant("probe_routes")).isEqualTo(
                new MetricReading.SeveralSeries(java.util.List.of(
                        "{__name__=\"probe_routes\", instance=\"" + instance() + "\", job=\"app\", route=\"a\"}",
                        "{__name__=\"probe_routes\", instance=\"" + instance() + "\", job=\"app\", route=\"b\"}")));
    }

    @Test
    void badPromQlAndRangeVectorsAreRefusedWithPrometheusReason() {
        PrometheusQueries queries = queries(Map.of("url", prometheus.url()));
        assertThatThrownBy(() -> queries.instant("sum(rate(probe_value[1m])"))
                .isInstanceOf(MetricQueryException.class)
                .hasMessageStartingWith("Prometheus metrics refused the query (bad_data): ");
        assertThatThrownBy(() -> queries.instant("probe_value[5s]"))
                .isInstanceOf(MetricQueryException.class)
                .hasMessageContaining("the query returned a matrix; a gate needs an instant vector of one series or a scalar");
    }

    @Test
    void aServerThatIsNotListeningIsUnreadableNotAFailure() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertThat(queries(Map.of("url", "http://127.0.0.1:" + port)).instant("up"))
                .isInstanceOf(MetricReading.Unreadable.class)
                .extracting(r -> ((MetricReading.Unreadable) r).why()).asString()
                .startsWith("Prometheus metrics at http://127.0.0.1:" + port + "/ cannot be reached");
    }

    @Test
    void connectionMistakesAreNamed() {
        assertThatThrownBy(() -> PrometheusQueries.of(connection("mysql", Map.of("url", "x")), Duration.ofSeconds(2)))
                .hasMessageContaining("connection 'metrics' is of type mysql, not prometheus");
        assertThatThrownBy(() -> queries(Map.of()))
                .hasMessage("connection 'metrics' needs url:, e.g. http://prometheus:9090");
        assertThatThrownBy(() -> queries(Map.of("url", "ftp://prometheus")))
                .hasMessage("connection 'metrics': url must start with http:// or https://");
        assertThatThrownBy(() -> queries(Map.of("url", "http://p", "token", "x")))
                .hasMessageContaining("unknown setting(s) [token]; a prometheus connection accepts url, bearerToken, user and password");
        assertThatThrownBy(() -> queries(Map.of("url", "http://p", "bearerToken", "t", "user", "u", "password", "p")))
                .hasMessage("connection 'metrics': give bearerToken or user and password, not both");
        assertThatThrownBy(() -> queries(Map.of("url", "http://p", "user", "u")))
                .hasMessage("connection 'metrics': basic auth needs both user and password");
    }

    private static String instance() {
        // the fixture's application port, as Prometheus labels it
        return prometheus.appAddress();
    }

    private static PrometheusQueries queries(Map<String, String> settings) {
        return PrometheusQueries.of(connection("prometheus", settings), Duration.ofSeconds(2));
    }

    private static ResolvedConnection connection(String type, Map<String, String> settings) {
        return new RunbookConnection("metrics", type, settings).resolved(UnaryOperator.identity());
    }
}
