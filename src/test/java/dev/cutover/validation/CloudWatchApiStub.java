package dev.cutover.validation;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.cbor.CBORGenerator;
import tools.jackson.dataformat.cbor.CBORMapper;

/**
 * A stub of the CloudWatch API, only {@code GetMetricData}, in the protocol the AWS SDK 2.57
 * speaks to CloudWatch: Smithy RPC v2 CBOR ({@code POST
 * /service/GraniteServiceVersion20100801/operation/GetMetricData}, header
 * {@code smithy-protocol: rpc-v2-cbor}, CBOR bodies, timestamps as CBOR tag 1 epoch seconds,
 * errors as a CBOR {@code __type} plus the query-compatible {@code x-amzn-query-error} header).
 * It is not CloudWatch: it holds one latest value per metric name or expression text, as the test
 * sets it, and answers it as the datapoint of the last period of the window asked. It checks no
 * signature; it keeps each request's headers so a test can see what was sent.
 */
final class CloudWatchApiStub implements AutoCloseable {

    static final String PATH = "/service/GraniteServiceVersion20100801/operation/GetMetricData";
    private static final CBORMapper CBOR = CBORMapper.builder().build();

    /** A metric's {@code MetricName} or an expression's text, to its latest value. */
    private final Map<String, Double> values = new ConcurrentHashMap<>();
    private final Map<String, double[]> several = new ConcurrentHashMap<>();
    /** A metric name or expression to the {@code StatusCode} answered for it, when not Complete. */
    private final Map<String, String> statuses = new ConcurrentHashMap<>();
    private final List<Map<String, List<String>>> requestHeaders = new CopyOnWriteArrayList<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private volatile String failCode;
    private volatile int failStatus;
    private final Map<String, String> deniedKeys = new ConcurrentHashMap<>();
    private final HttpServer server;

    CloudWatchApiStub() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The metric (by {@code MetricName}) or the expression (by its text) answers {@code value} from now on. */
    void put(String metricOrExpression, double value) {
        values.put(metricOrExpression, value);
    }

    /** The expression answers one series per value, with the same Id and labels {@code <expression> 1}, {@code 2}, ... (as a SEARCH does). */
    void putSeveral(String expression, double... seriesValues) {
        several.put(expression, seriesValues.clone());
    }

    void remove(String metricOrExpression) {
        values.remove(metricOrExpression);
    }

    /** Answers {@code StatusCode} (InternalError, PartialData, Forbidden) for this metric or expression. */
    void status(String metricOrExpression, String statusCode) {
        statuses.put(metricOrExpression, statusCode);
    }

    /** Every request answers this HTTP status and error code, e.g. 400 Throttling, until {@link #reset}. */
    void failEvery(int status, String errorCode) {
        failStatus = status;
        failCode = errorCode;
    }

    /** Serves every request again, and forgets the requests seen. */
    void reset() {
        failCode = null;
        statuses.clear();
        requests.clear();
        requestHeaders.clear();
    }

    /** Requests signed with this access key id answer HTTP 403 with this error code; others are served. */
    void deny(String accessKeyId, String errorCode) {
        deniedKeys.put(accessKeyId, errorCode);
    }

    List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    List<Map<String, List<String>>> requestHeaders() {
        return List.copyOf(requestHeaders);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!"POST".equals(exchange.getRequestMethod()) || !PATH.equals(exchange.getRequestURI().getPath())) {
                error(exchange, 404, "UnknownOperationException", "the stub only answers POST " + PATH);
                return;
            }
            requestHeaders.add(Map.copyOf(exchange.getRequestHeaders()));
            JsonNode request = CBOR.readTree(body);
            requests.add(request);
            String authorization = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
            String denied = deniedKeys.entrySet().stream().filter(k -> authorization.contains("Credential=" + k.getKey() + "/"))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            String failing = failCode;
            if (denied == null && failing != null) {
                error(exchange, failStatus, failing, failing + " (the stub was told to fail every request)");
                return;
            }
            if (denied != null) {
                error(exchange, 403, denied, "User: arn:aws:iam::123456789012:user/gate is not authorized to "
                        + "perform: cloudwatch:GetMetricData because no identity-based policy allows it");
                return;
            }
            answer(exchange, request);
        }
    }

    private void answer(HttpExchange exchange, JsonNode request) throws IOException {
        double end = request.path("EndTime").asDouble();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator cbor = (CBORGenerator) CBOR.createGenerator(out)) {
            cbor.writeStartObject();
            cbor.writeName("MetricDataResults");
            cbor.writeStartArray();
            for (JsonNode query : request.path("MetricDataQueries")) {
                String key = query.has("Expression") ? query.path("Expression").asString()
                        : query.path("MetricStat").path("Metric").path("MetricName").asString();
                int period = query.has("Period") ? query.path("Period").asInt()
                        : query.path("MetricStat").path("Period").asInt(60);
                double[] series = several.containsKey(key) ? several.get(key)
                        : values.containsKey(key) ? new double[] {values.get(key)} : new double[0];
                for (int i = 0; i < Math.max(1, series.length); i++) {
                    Double value = series.length == 0 ? null : series[i];
                    cbor.writeStartObject();
                    cbor.writeName("Id");
                    cbor.writeString(query.path("Id").asString());
                    cbor.writeName("Label");
                    cbor.writeString(series.length > 1 ? key + " " + (i + 1) : key);
                    cbor.writeName("Timestamps");
                    cbor.writeStartArray();
                    if (value != null) {
                        cbor.writeTag(1);
                        cbor.writeNumber(end - period);
                    }
                    cbor.writeEndArray();
                    cbor.writeName("Values");
                    cbor.writeStartArray();
                    if (value != null) {
                        cbor.writeNumber(value);
                    }
                    cbor.writeEndArray();
                    cbor.writeName("StatusCode");
                    cbor.writeString(statuses.getOrDefault(key, "Complete"));
                    cbor.writeEndObject();
                }
            }
            cbor.writeEndArray();
            cbor.writeName("Messages");
            cbor.writeStartArray();
            cbor.writeEndArray();
            cbor.writeEndObject();
        }
        send(exchange, 200, out.toByteArray());
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator cbor = (CBORGenerator) CBOR.createGenerator(out)) {
            cbor.writeStartObject();
            cbor.writeName("__type");
            cbor.writeString("com.amazonaws.cloudwatch#" + code);
            cbor.writeName("message");
            cbor.writeString(message);
            cbor.writeEndObject();
        }
        exchange.getResponseHeaders().set("x-amzn-query-error", code + ";Sender");
        send(exchange, status, out.toByteArray());
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("smithy-protocol", "rpc-v2-cbor");
        exchange.getResponseHeaders().set("Content-Type", "application/cbor");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
