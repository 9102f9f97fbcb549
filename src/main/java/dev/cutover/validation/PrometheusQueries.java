package dev.cutover.validation;

import dev.cutover.step.ResolvedConnection;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Instant queries on a {@code type: prometheus} connection over its HTTP API
 * ({@code GET /api/v1/query}).
 *
 * <pre>
 * app-metrics:
 *   type: prometheus
 *   url: http://prometheus.internal:9090        # the server (or a path prefix in front of it)
 *   bearerToken: ${env:PROMETHEUS_TOKEN}        # or user: + password: for basic auth
 * </pre>
 */
final class PrometheusQueries implements MetricSource {

    static final Set<String> SETTINGS = Set.of("url", "bearerToken", "user", "password");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String connection;
    private final URI base;
    private final Optional<String> authorization;
    private final Duration requestTimeout;
    private final HttpClient client;

    private PrometheusQueries(String connection, URI base, Optional<String> authorization, Duration requestTimeout) {
        this.connection = connection;
        this.base = base;
        this.authorization = authorization;
        this.requestTimeout = requestTimeout;
        this.client = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    }

    /**
     * @param requestTimeout how long one query may take (a sample must not outlast its interval by much)
     * @throws IllegalArgumentException when the connection is not a usable prometheus connection
     */
    static PrometheusQueries of(ResolvedConnection connection, Duration requestTimeout) {
        String name = connection.name();
        if (!"prometheus".equals(connection.type())) {
            throw new IllegalArgumentException("connection '" + name + "' is of type " + connection.type()
                    + ", not prometheus: a metric-gate reads a connection like { type: prometheus, url: "
                    + "\"http://prometheus:9090\" }");
        }
        List<String> unknown = connection.settingNames().stream().filter(s -> !SETTINGS.contains(s)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("connection '" + name + "': unknown setting(s) " + unknown
                    + "; a prometheus connection accepts url, bearerToken, user and password");
        }
        String url = connection.setting("url").map(String::trim).filter(u -> !u.isEmpty()).orElseThrow(() ->
                new IllegalArgumentException("connection '" + name + "' needs url:, e.g. http://prometheus:9090"));
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url : url + "/");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("connection '" + name + "': url is not a URL, e.g. http://prometheus:9090");
        }
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("connection '" + name + "': url must start with http:// or https://");
        }
        Optional<String> token = connection.setting("bearerToken");
        Optional<String> user = connection.setting("user");
        Optional<String> password = connection.setting("password");
        if (token.isPresent() && (user.isPresent() || password.isPresent())) {
            throw new IllegalArgumentException("connection '" + name + "': give bearerToken or user and password, not both");
        }
        if (user.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("connection '" + name + "': basic auth needs both user and password");
        }
        Optional<String> authorization = token.map(t -> "Bearer " + t.trim())
                .or(() -> user.map(u -> "Basic " + Base64.getEncoder()
                        .encodeToString((u + ":" + password.get()).getBytes(StandardCharsets.UTF_8))));
        return new PrometheusQueries(name, base, authorization, requestTimeout);
    }

    /** One instant query per gate query; a refused query is {@link MetricReading.Refused}, the others still read. */
    @Override
    public Map<String, MetricReading> read(List<GateQuery> queries) throws InterruptedException {
        Map<String, MetricReading> readings = new LinkedHashMap<>();
        for (GateQuery query : queries) {
            MetricReading reading;
            try {
                reading = instant(query.query().text());
            } catch (MetricQueryException e) {
                reading = new MetricReading.Refused(e.getMessage());
            }
            readings.put(query.name(), reading);
        }
        return readings;
    }

    @Override
    public String hint() {
        return "check the url and that the service can reach Prometheus";
    }

    /**
     * Evaluates {@code query} now. A gate needs exactly one value: a vector of one series or a
     * scalar. Network errors and 5xx answers are {@link MetricReading.Unreadable} (try again next
     * interval); an answer that no retry can change (bad query, wrong credentials) throws.
     */
    MetricReading instant(String query) throws MetricQueryException, InterruptedException {
        URI uri = base.resolve("api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET()
                .header("Accept", "application/json");
        authorization.ifPresent(value -> request.header("Authorization", value));
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new MetricReading.Unreadable("Prometheus " + connection + " at " + base + " cannot be reached: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new MetricQueryException("Prometheus " + connection + " answered HTTP " + status + " to the query: "
                    + (authorization.isEmpty() ? "it needs credentials (bearerToken, or user and password, on the connection)"
                    : "check the connection's credentials"));
        }
        if (status >= 500 || status == 429) {
            return new MetricReading.Unreadable("Prometheus " + connection + " answered HTTP " + status);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (JacksonException e) {
            throw new MetricQueryException("Prometheus " + connection + " answered HTTP " + status
                    + " with a body that is not the JSON of /api/v1/query; is url the Prometheus server?");
        }
        if (!"success".equals(body.path("status").asString(""))) {
            throw new MetricQueryException("Prometheus " + connection + " refused the query (" + body.path("errorType")
                    .asString("HTTP " + status) + "): " + body.path("error").asString("no reason given"));
        }
        return reading(body.path("data"));
    }

    private static MetricReading reading(JsonNode data) throws MetricQueryException {
        String type = data.path("resultType").asString("");
        JsonNode result = data.path("result");
        return switch (type) {
            case "scalar" -> value(result.path(1).asString(""));
            case "vector" -> {
                if (result.isEmpty()) {
                    yield new MetricReading.NoData("the query returned no series");
                }
                if (result.size() > 1) {
                    List<String> series = new ArrayList<>();
                    result.forEach(s -> series.add(labels(s.path("metric"))));
                    yield new MetricReading.SeveralSeries(series);
                }
                yield value(result.path(0).path("value").path(1).asString(""));
            }
            default -> throw new MetricQueryException("the query returned a " + (type.isEmpty() ? "result without type" : type)
                    + "; a gate needs an instant vector of one series or a scalar (a range selector like [5m] needs "
                    + "a function around it, e.g. rate(...[5m]))");
        };
    }

    private static MetricReading value(String text) throws MetricQueryException {
        double value = switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new MetricQueryException("the query's value '" + text + "' is not a number");
                }
            }
        };
        return Double.isNaN(value) ? new MetricReading.NoData("the value is NaN (e.g. 0/0 while there is no traffic)")
                : new MetricReading.Value(value);
    }

    private static String labels(JsonNode metric) {
        List<String> pairs = new ArrayList<>();
        metric.properties().forEach(e -> pairs.add(e.getKey() + "=\"" + e.getValue().asString("") + "\""));
        return "{" + String.join(", ", pairs) + "}";
    }
}
