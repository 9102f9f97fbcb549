package dev.cutover.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A real HTTP receiver standing in for Slack, Teams, PagerDuty and plain webhooks: the JDK's own
 * server on a free loopback port. Records every request; answers 200 unless told to answer
 * otherwise, or to hang, for requests whose path starts with a given prefix.
 */
final class RecordingReceiver implements AutoCloseable {

    record Request(String path, Map<String, List<String>> headers, String body) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Integer>> statuses = new ConcurrentHashMap<>();
    private final Map<String, Duration> hangs = new ConcurrentHashMap<>();

    RecordingReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(path, Map.copyOf(exchange.getRequestHeaders()), body));
            hangs.entrySet().stream().filter(e -> path.startsWith(e.getKey())).findFirst()
                    .ifPresent(e -> sleep(e.getValue()));
            int status = statuses.entrySet().stream().filter(e -> path.startsWith(e.getKey())).findFirst()
                    .map(e -> e.getValue().poll()).filter(s -> s != null).orElse(200);
            byte[] answer = (status == 200 ? "ok" : "{\"error\":\"as scripted\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next requests under {@code prefix} get these statuses, in order; then 200 again. */
    void answer(String prefix, Integer... next) {
        statuses.put(prefix, new ConcurrentLinkedDeque<>(List.of(next)));
    }

    void hang(String prefix, Duration howLong) {
        hangs.put(prefix, howLong);
    }

    List<Request> requests(String prefix) {
        return new ArrayList<>(requests.stream().filter(r -> r.path().startsWith(prefix)).toList());
    }

    /** Waits until {@code count} requests under {@code prefix} matching {@code which} arrived. */
    List<Request> await(String prefix, Predicate<Request> which, int count, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        List<Request> found = List.of();
        while (System.nanoTime() < deadline) {
            found = requests(prefix).stream().filter(which).toList();
            if (found.size() >= count) {
                return found;
            }
            sleep(Duration.ofMillis(50));
        }
        throw new AssertionError(count + " request(s) to " + prefix + " expected within " + within + ", got " + found
                + "; all requests: " + requests);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
