package dev.cutover.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cutover.database.mysql.ApplicationWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * The sandbox's "shop" application as its metrics see it, on 127.0.0.1:{@value #PORT}: {@code GET
 * /metrics} serves the Prometheus text format that the rehearsal's {@code metric-gate} reads —
 * {@code http_requests_total}, {@code http_errors_total} and the latency histogram
 * {@code http_request_seconds} — and {@code POST /control/error-rate?value=0.2} makes that share
 * of its requests fail (back with {@code value=0}; {@code GET} reads it).
 *
 * <p>Two kinds of requests are counted. Real ones: every order an attached {@link ApplicationWriter}
 * wrote (code 200) or had refused by the database (code 503: the shop cannot take the order, e.g.
 * during the write freeze). Synthetic ones: {@value #SYNTHETIC_PER_SECOND} browsing requests a
 * second, made in this class without a network round trip, the ones the error-rate control acts on
 * (code 500) and the only ones with a latency (the writer does not time its inserts). Errors are
 * spread exactly, not drawn at random (an error whenever the accumulated rate reaches one), so a
 * healthy shop shows no error at all and a raised rate shows at once: the gate's figures move only
 * because of what the person or the test did.
 */
public final class ShopApplication implements AutoCloseable {

    public static final int PORT = 18080;
    static final int SYNTHETIC_PER_SECOND = 200;
    /** Upper bounds of the latency buckets, in seconds (Prometheus client defaults, trimmed). */
    private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

    private final HttpServer server;
    private final Thread traffic = new Thread(this::browse, "shop-traffic");
    private final List<ApplicationWriter> writers = new CopyOnWriteArrayList<>();
    private final long[] bucketCounts = new long[BUCKETS.length];
    private volatile double errorRate;
    private volatile boolean stop;
    private long synthetic;
    private long syntheticErrors;
    private double latencySum;
    private double owedErrors;

    private ShopApplication(HttpServer server) {
        this.server = server;
        traffic.setDaemon(true);
    }

    /** Starts the shop on its fixed port; fails with what to do when the port is taken. */
    public static ShopApplication start() {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), PORT), 0);
        } catch (BindException e) {
            throw new IllegalStateException("port " + PORT + " (the sandbox shop application whose metrics the "
                    + "rehearsal's traffic gate reads) is taken; stop what listens there (ss -ltnp | grep " + PORT + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ShopApplication shop = new ShopApplication(server);
        server.createContext("/metrics", exchange -> shop.answer(exchange, 200, shop.metrics()));
        server.createContext("/control/error-rate", shop::errorRateControl);
        server.start();
        shop.traffic.start();
        return shop;
    }

    /** Counts the orders {@code writer} writes (and has refused) as the shop's requests from now on. */
    public ApplicationWriter attach(ApplicationWriter writer) {
        writers.add(writer);
        return writer;
    }

    /** Makes {@code rate} (0 to 1) of the synthetic requests fail with a 500 from now on. */
    public void errorRate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("error rate " + rate + " is not between 0 and 1");
        }
        errorRate = rate;
    }

    public double errorRate() {
        return errorRate;
    }

    public String url() {
        return "http://127.0.0.1:" + PORT;
    }

    private void errorRateControl(HttpExchange exchange) throws IOException {
        if ("POST".equals(exchange.getRequestMethod())) {
            String query = String.valueOf(exchange.getRequestURI().getQuery());
            String value = query.startsWith("value=") ? query.substring("value=".length()) : "";
            try {
                errorRate(Double.parseDouble(value));
            } catch (IllegalArgumentException e) {
                answer(exchange, 400, "give the share of requests to fail, between 0 and 1, e.g. "
                        + "curl -XPOST 'http://127.0.0.1:" + PORT + "/control/error-rate?value=0.2' (value=0 heals it)\n");
                return;
            }
        } else if (!"GET".equals(exchange.getRequestMethod())) {
            answer(exchange, 405, "GET reads the error rate, POST ?value=0.2 sets it\n");
            return;
        }
        answer(exchange, 200, "error-rate " + errorRate + "\n");
    }

    /** One tick every 10 ms: the requests due since the last one, each timed and maybe failed. */
    private void browse() {
        Random random = new Random(7);
        int perTick = SYNTHETIC_PER_SECOND / 100;
        long next = System.nanoTime();
        while (!stop) {
            synchronized (this) {
                for (int i = 0; i < perTick; i++) {
                    synthetic++;
                    owedErrors += errorRate;
                    if (owedErrors >= 1) {
                        owedErrors -= 1;
                        syntheticErrors++;
                    }
                    // 10 to 90 ms mostly, a slow tail to about 200 ms: p95 near 0.1 s
                    double seconds = 0.01 + random.nextDouble() * 0.08 + (random.nextInt(20) == 0 ? 0.1 : 0);
                    latencySum += seconds;
                    for (int b = 0; b < BUCKETS.length; b++) {
                        if (seconds <= BUCKETS[b]) {
                            bucketCounts[b]++;
                        }
                    }
                }
            }
            next += 10_000_000L;
            LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
        }
    }

    private synchronized String metrics() {
        long orders = 0;
        long refused = 0;
        for (ApplicationWriter writer : writers) {
            orders += writer.acks().size();
            refused += writer.rejections().size();
        }
        StringBuilder text = new StringBuilder();
        text.append("# HELP http_requests_total Requests the shop answered, by status code.\n")
                .append("# TYPE http_requests_total counter\n");
        text.append("http_requests_total{code=\"200\"} ").append(synthetic - syntheticErrors + orders).append('\n');
        text.append("http_requests_total{code=\"500\"} ").append(syntheticErrors).append('\n');
        text.append("http_requests_total{code=\"503\"} ").append(refused).append('\n');
        text.append("# HELP http_errors_total Requests the shop failed: 500 its own errors, 503 orders the database refused.\n")
                .append("# TYPE http_errors_total counter\n");
        text.append("http_errors_total{code=\"500\"} ").append(syntheticErrors).append('\n');
        text.append("http_errors_total{code=\"503\"} ").append(refused).append('\n');
        text.append("# HELP http_request_seconds Latency of the shop's browsing requests.\n")
                .append("# TYPE http_request_seconds histogram\n");
        for (int b = 0; b < BUCKETS.length; b++) {
            text.append("http_request_seconds_bucket{le=\"").append(BUCKETS[b]).append("\"} ").append(bucketCounts[b])
                    .append('\n');
        }
        text.append("http_request_seconds_bucket{le=\"+Inf\"} ").append(synthetic).append('\n');
        text.append("http_request_seconds_sum ").append(String.format(Locale.ROOT, "%.3f", latencySum)).append('\n');
        text.append("http_request_seconds_count ").append(synthetic).append('\n');
        text.append("# HELP shop_error_rate_setting The share of requests the error-rate control makes fail.\n")
                .append("# TYPE shop_error_rate_setting gauge\n");
        text.append("shop_error_rate_setting ").append(errorRate).append('\n');
        return text.toString();
    }

    private void answer(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        stop = true;
        server.stop(0);
        try {
            traffic.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
