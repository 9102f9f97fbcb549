package dev.cutover.storage.s3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stub in front of the S3 test peer (S3Mock cannot inject faults): it answers the next N requests
 * with 503 SlowDown and an S3 XML error body, and can drop the {@code x-amz-checksum-crc32c} header of
 * requests so the peer stores bytes unchecked, like an S3-compatible store that ignores checksums,
 * and can flip one bit of a request body on the way, like a bad network card. Everything else is
 * forwarded as is.
 */
final class S3ProxyStub implements AutoCloseable {

    /** Headers java.net.http sets itself (or refuses to have set). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "expect", "host",
            "upgrade", "transfer-encoding", "keep-alive", "date");
    private static final String SLOW_DOWN = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>\
            <RequestId>stub</RequestId></Error>""";

    private final URI upstream;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicInteger slowDownsLeft = new AtomicInteger();
    private final AtomicInteger slowDownsSent = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile boolean dropChecksumHeaders;
    private final AtomicInteger bodiesToCorrupt = new AtomicInteger();

    S3ProxyStub(URI upstream) throws IOException {
        this.upstream = upstream;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next {@code count} requests get 503 SlowDown. */
    void slowDownNext(int count) {
        slowDownsLeft.set(count);
    }

    int slowDownsSent() {
        return slowDownsSent.get();
    }

    /**
     * Flips a bit of byte 1000 of the next request body longer than 2000 bytes: inside the data of the
     * first chunk when the body is aws-chunked (chunk headers are under 100 bytes; chunks 8 KiB or more).
     */
    void corruptNextBody() {
        bodiesToCorrupt.set(1);
    }

    void dropChecksumHeaders(boolean drop) {
        dropChecksumHeaders = drop;
    }

    /** "METHOD path" of every request received, in order. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String method = exchange.getRequestMethod();
            String target = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            requests.add(method + " " + target);
            if (slowDownsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                slowDownsSent.incrementAndGet();
                respond(exchange, method, 503, Map.of("Content-Type", List.of("application/xml")),
                        SLOW_DOWN.getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (body.length > 2000 && bodiesToCorrupt.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                body[1000] ^= 0x10;
            }
            forward(exchange, method, target, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private void forward(HttpExchange exchange, String method, String target, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstream + target))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            boolean dropped = HOP_BY_HOP.contains(lower)
                    || dropChecksumHeaders && lower.equals("x-amz-checksum-crc32c");
            if (!dropped) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        respond(exchange, method, response.statusCode(), response.headers().map(), response.body());
    }

    private static void respond(HttpExchange exchange, String method, int status, Map<String, List<String>> headers,
            byte[] body) throws IOException {
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(lower) || lower.equals("content-length") && method.equals("HEAD")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        boolean noBody = method.equals("HEAD") || body.length == 0;
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
