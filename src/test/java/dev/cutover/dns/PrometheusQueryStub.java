package dev.cutover.dns;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A STUB of Prometheus's {@code GET /api/v1/query}, not Prometheus: every query answers one vector
 * sample with the value the test set last ({@link #value}). The guard's adapter is tested against a
 * real Prometheus in the validation module; here only the shift's reaction to the verdicts matters.
 */
final class PrometheusQueryStub implements AutoCloseable {

    private final HttpServer server;
    private volatile String value = "0";
    private final AtomicInteger queries = new AtomicInteger();

    PrometheusQueryStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/api/v1/query", exchange -> {
            try (exchange) {
                queries.incrementAndGet();
                byte[] body = ("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},"
                        + "\"value\":[" + System.currentTimeMillis() / 1000.0 + ",\"" + value + "\"]}]}}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void value(double newValue) {
        value = String.valueOf(newValue);
    }

    int queries() {
        return queries.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
