package dev.cutover.validation;

import dev.cutover.testsupport.Api;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * A real Prometheus (Debian's {@code /usr/bin/prometheus}) on a free loopback port, scraping every
 * second a tiny "application" on loopback whose series the test sets ({@link #set}): a line of the
 * Prometheus text format each, e.g. {@code app_error_ratio 0.002}. A series the test removes goes
 * stale at the next scrape, so queries on it return no data. With {@link #startWithBasicAuth} the
 * server asks for basic auth (its web config holds the bcrypt hash). Started once per test class;
 * {@link #close} stops it by its pid and deletes its storage. When the binary is missing it runs
 * {@code scripts/test-stack.sh install} first, and fails when that cannot install it: never skips.
 * The sandbox ({@code dev.cutover.sandbox.RehearsalStack}) uses {@link #scraping} instead: on a fixed
 * port, scraping an application of its own.
 */
public final class LocalPrometheus implements AutoCloseable {

    static final Path EXECUTABLE = Paths.get("/usr/bin/prometheus");

    private final Map<String, String> series = new ConcurrentSkipListMap<>();
    private final Map<String, Counter> counters = new ConcurrentSkipListMap<>();

    /** A counter that grows at {@code perSecond} from {@code since} on, having reached {@code base} then. */
    private record Counter(double base, double perSecond, long since) {
        double now(long nanos) {
            return base + perSecond * (nanos - since) / 1e9;
        }
    }
    private final Path dir;
    private final HttpServer app;
    private final Process process;
    private final int port;
    private final Optional<String> authorization;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final java.util.List<HttpServer> proxies = new java.util.concurrent.CopyOnWriteArrayList<>();

    private LocalPrometheus(Optional<String[]> basicAuth, int listenPort, String target) throws IOException {
        if (!Files.isExecutable(EXECUTABLE)) {
            install();
        }
        dir = Files.createTempDirectory("local-prometheus-");
        app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        app.createContext("/metrics", exchange -> {
            StringBuilder text = new StringBuilder();
            series.forEach((name, value) -> text.append(name).append(' ').append(value).append('\n'));
            long now = System.nanoTime();
            counters.forEach((name, counter) -> text.append(name).append(' ').append(counter.now(now)).append('\n'));
            byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        app.start();
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: app
                    static_configs:
                      - targets: ["%s"]
                """.formatted(target == null ? appAddress() : target));
        port = listenPort == 0 ? freePort() : listenPort;
        if (listenPort != 0 && !free(listenPort)) {
            app.stop(0);
            throw new IllegalStateException("port " + listenPort + " (the sandbox's Prometheus) is taken; stop what "
                    + "listens there (ss -ltnp | grep " + listenPort + "), e.g. a Prometheus left by an interrupted run");
        }
        ProcessBuilder command = new ProcessBuilder(EXECUTABLE.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.retention.time=1h");
        if (basicAuth.isPresent()) {
            String hash = new BCryptPasswordEncoder(4).encode(basicAuth.get()[1]);
            Files.writeString(dir.resolve("web.yml"), "basic_auth_users:\n  " + basicAuth.get()[0] + ": '" + hash + "'\n");
            command.command().add("--web.config.file=" + dir.resolve("web.yml"));
            authorization = Optional.of("Basic " + Base64.getEncoder().encodeToString(
                    (basicAuth.get()[0] + ":" + basicAuth.get()[1]).getBytes(StandardCharsets.UTF_8)));
        } else {
            authorization = Optional.empty();
        }
        process = command.redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        // A JVM that ends without close() (a failed @AfterAll, Ctrl-C) must not leave the server holding its port.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "local-prometheus-stop"));
        awaitReady();
    }

    static LocalPrometheus start() {
        try {
            return new LocalPrometheus(Optional.empty(), 0, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LocalPrometheus startWithBasicAuth(String user, String password) {
        try {
            return new LocalPrometheus(Optional.of(new String[] {user, password}), 0, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A Prometheus on 127.0.0.1:{@code port} scraping {@code target} ({@code host:port}, path
     * {@code /metrics}) every second, for the sandbox; fails when the port is taken.
     */
    public static LocalPrometheus scraping(int port, String target) {
        try {
            return new LocalPrometheus(Optional.empty(), port, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The scraped application's {@code host:port}, Prometheus's {@code instance} label of its series. */
    String appAddress() {
        return "127.0.0.1:" + app.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * A URL in front of this Prometheus that asks for {@code Authorization: Bearer <token>} (as a
     * reverse proxy or a managed Prometheus does; Prometheus itself only knows basic auth): 401
     * without it, otherwise the request is passed on and Prometheus's answer returned.
     */
    String bearerProxy(String token) {
        try {
            HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            proxy.createContext("/", exchange -> {
                int status;
                byte[] body;
                if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    status = 401;
                    body = "{\"status\":\"error\",\"error\":\"unauthorized\"}".getBytes(StandardCharsets.UTF_8);
                } else {
                    HttpResponse<String> answer = get(exchange.getRequestURI().toString());
                    status = answer.statusCode();
                    body = answer.body().getBytes(StandardCharsets.UTF_8);
                }
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            proxy.start();
            proxies.add(proxy);
            return "http://127.0.0.1:" + proxy.getAddress().getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serves {@code name} (with labels, if any: {@code app_latency_seconds{route="a"}}) at {@code value} from the next scrape on. */
    void set(String name, double value) {
        series.put(name, Double.toString(value));
    }

    /**
     * Serves the counter {@code name} growing by {@code perSecond} from now on (from where it was,
     * so a {@code rate()} over it moves to the new speed within its range, as a real one would).
     */
    void count(String name, double perSecond) {
        long now = System.nanoTime();
        counters.compute(name, (key, old) -> new Counter(old == null ? 0 : old.now(now), perSecond, now));
    }

    void remove(String name) {
        series.remove(name);
    }

    /**
     * Waits until Prometheus answers {@code query} with a body containing {@code expected} (the
     * scrape has landed), so a test starts its gate on data that is really there.
     */
    void awaitQuery(String query, String expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = get("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)).body();
                if (last.contains(expected)) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Api.sleep(200);
        }
        throw new AssertionError("Prometheus never answered " + query + " with " + expected + "; last: " + last);
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + ": " + log());
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Api.sleep(100);
        }
        close();
        throw new IllegalStateException("prometheus on port " + port + " not ready in 30 s: " + log());
    }

    private HttpResponse<String> get(String path) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(2));
        authorization.ifPresent(value -> request.header("Authorization", value));
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private String log() {
        try {
            String text = Files.readString(dir.resolve("prometheus.log"));
            return text.length() > 3000 ? text.substring(text.length() - 3000) : text;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        proxies.forEach(proxy -> proxy.stop(0));
        app.stop(0);
        process.destroy();  // SIGTERM to this pid only
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }


    private static void install() {
        try {
            Process install = new ProcessBuilder("bash", "scripts/test-stack.sh", "install").inheritIO().start();
            if (!install.waitFor(15, TimeUnit.MINUTES) || install.exitValue() != 0 || !Files.isExecutable(EXECUTABLE)) {
                throw new IllegalStateException(EXECUTABLE + " is missing and scripts/test-stack.sh install did not "
                        + "install it (it needs root and Debian's package index); install the package prometheus");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
