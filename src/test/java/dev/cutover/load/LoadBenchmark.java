package dev.cutover.load;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * The load run of bench/load.sh: the service as a child JVM on its embedded H2 database, whose event
 * log is first seeded with {@code load.events} events (default 1,000,000) spread over ten archived
 * cutovers by one bulk {@code INSERT ... SELECT} while the service is stopped. Then twenty cutovers
 * of {@code test-runbooks/load.yaml} run at once while 50 clients poll {@code GET /api/cutovers/{id}}
 * (and every third time a page of some cutover's events, at a random place in the log) and 50 hold
 * event streams: 40 on the running cutovers, 10 replaying an archived cutover's whole backlog.
 * Every request signs in with HTTP Basic, as scripts do. The whole round runs {@code load.warmupRounds}
 * times first (default 1) to warm the service's JVM up; the last line is the round after. Last line:
 * {@code load: cutovers=<n> failed=<n> p99_get_ms=<ms> p99_events_page_ms=<ms> errors_5xx=<n> heap_mib=<peak>}.
 */
public final class LoadBenchmark {

    private static final int ARCHIVED = 10;
    private static final long EVENTS = Long.getLong("load.events", 1_000_000);
    private static final int CUTOVERS = Integer.getInteger("load.cutovers", 20);
    private static final int POLLERS = Integer.getInteger("load.pollers", 50);
    private static final int STREAMS = Integer.getInteger("load.streams", 50);
    private static final int REPLAYING_STREAMS = Math.min(10, STREAMS);
    private static final long POLL_PAUSE_MILLIS = Long.getLong("load.pollPauseMillis", 200);
    private static final long SLOW_MICROS = 200_000;
    private static final Duration RUN_LIMIT = Duration.parse(System.getProperty("load.runLimit", "PT5M"));

    private static final int WARMUP_ROUNDS = Integer.getInteger("load.warmupRounds", 1);

    /** What one round of the load measured; its clients run while {@code running}. */
    private static final class Round {
        final String name;
        final AtomicBoolean running = new AtomicBoolean(true);
        final ConcurrentLinkedQueue<Long> getMicros = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Long> pageMicros = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Slow> slowest = new ConcurrentLinkedQueue<>();
        final AtomicLong errors5xx = new AtomicLong();
        final AtomicLong otherErrors = new AtomicLong();
        final AtomicLong streamedEvents = new AtomicLong();
        final AtomicLong streamReconnects = new AtomicLong();
        int failed;

        Round(String name) {
            this.name = name;
        }
    }

    private final AtomicBoolean sampling = new AtomicBoolean(true);
    private final AtomicLong peakHeap = new AtomicLong();
    private final AtomicLong peakPoolPending = new AtomicLong();
    private final AtomicLong peakPoolActive = new AtomicLong();

    public static void main(String[] args) throws Exception {
        System.exit(new LoadBenchmark().run() ? 0 : 1);
    }

    private boolean run() throws Exception {
        Path root = Files.createTempDirectory("cutover-load-");
        Path runbooks = Files.createDirectories(root.resolve("runbooks"));
        try (InputStream runbook = LoadBenchmark.class.getResourceAsStream("/test-runbooks/load.yaml")) {
            Files.copy(runbook, runbooks.resolve("load.yaml"));
        }
        // The shipped options first (the bench measures the service as it ships), then the bench's heap limit.
        List<String> jvm = new ArrayList<>(ServiceProcess.shippedJvmOptions());
        jvm.add("-Xmx" + System.getProperty("load.xmx", "1g"));
        // e.g. -Dload.serviceJvm=-XX:StartFlightRecording=filename=/tmp/load.jfr|-Xlog:gc:file=/tmp/gc.log for a
        // profile of the service: options apart by '|', since bench/lib.sh splits BENCH_JAVA_OPTS at spaces.
        String serviceJvm = System.getProperty("load.serviceJvm", "").trim();
        if (!serviceJvm.isEmpty()) {
            jvm.addAll(Arrays.stream(serviceJvm.split("[|\\s]+")).filter(option -> !option.isEmpty()).toList());
        }
        try (ServiceProcess service = new ServiceProcess(root).jvmOptions(jvm)) {
            Api api = service.api();
            service.start("seed.log");
            List<String> archived = new ArrayList<>();
            for (int i = 0; i < ARCHIVED; i++) {
                archived.add(create(api));
            }
            service.stop();
            long seedStart = System.nanoTime();
            long maxEventId = seed(root, EVENTS);
            System.out.printf("seeded %,d events over %d archived cutovers in %.1f s%n", EVENTS, ARCHIVED,
                    (System.nanoTime() - seedStart) / 1e9);
            service.start("load.log");

            Thread heap = daemon("heap", () -> sampleHeap(api));
            List<HttpClient> clients = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                clients.add(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
            }
            // As JVM benchmarks do, the same load runs first to warm the service up (classes loaded, the JIT's
            // compilations of the request paths done: on two cores C2 compiles for a minute after start); the
            // figures of the last line are those of the round after. Its own figures are printed too.
            Round round = null;
            for (int n = 0; n <= WARMUP_ROUNDS; n++) {
                round = round(api, clients, archived, maxEventId, new Round(n < WARMUP_ROUNDS ? "warm-up round "
                        + (n + 1) : "measured round"));
            }
            sampling.set(false);
            heap.interrupt();
            heap.join(5000);
            System.out.printf("connection pool (sampled each second): peak active %d, peak threads waiting %d; "
                    + "the service's logs under %s%n", peakPoolActive.get(), peakPoolPending.get(), root);
            System.out.printf("load: cutovers=%d failed=%d p99_get_ms=%d p99_events_page_ms=%d errors_5xx=%d heap_mib=%d%n",
                    CUTOVERS, round.failed, percentile(round.getMicros, 99), percentile(round.pageMicros, 99),
                    round.errors5xx.get(), peakHeap.get() / (1024 * 1024));
            return round.failed == 0 && round.errors5xx.get() == 0;
        } finally {
            // The seeded database is 2 GB; the service's logs stay for a look.
            org.springframework.util.FileSystemUtils.deleteRecursively(root.resolve("data"));
        }
    }

    /**
     * One round: {@code CUTOVERS} new cutovers run at once while the pollers poll and the streams stream
     * (the replaying ones from the start of their archived cutover's log); ends when every cutover ended.
     */
    private Round round(Api api, List<HttpClient> clients, List<String> archived, long maxEventId, Round round)
            throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        List<String> live = new ArrayList<>();
        for (int i = 0; i < CUTOVERS; i++) {
            live.add(create(api));
        }
        List<String> everyCutover = new ArrayList<>(live);
        everyCutover.addAll(archived);
        for (int i = 0; i < STREAMS; i++) {
            String cutover = i < REPLAYING_STREAMS ? archived.get(i % ARCHIVED) : live.get(i % live.size());
            HttpClient client = clients.get(i % clients.size());
            threads.add(daemon("stream-" + i, () -> stream(round, api, client, cutover)));
        }
        for (int i = 0; i < POLLERS; i++) {
            HttpClient client = clients.get(i % clients.size());
            threads.add(daemon("poller-" + i, () -> poll(round, api, client, live, everyCutover, maxEventId)));
        }
        long start = System.nanoTime();
        for (String id : live) {
            try {
                Api.Answer started = api.post("operator", "/api/cutovers/" + id + "/phases/run/start", null);
                if (started.status() >= 300) {
                    System.out.println("start of " + id + " answered " + started.status() + ": " + started.text());
                }
            } catch (RuntimeException e) {
                System.out.println("start of " + id + " failed: " + e); // e.g. no answer in 30 s
            }
        }
        round.failed = awaitEnd(api, live);
        double seconds = (System.nanoTime() - start) / 1e9;
        round.running.set(false);
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join(5000);
        }
        Api.Answer page = api.get("viewer", "/api/cutovers/" + archived.get(0) + "/events?limit=1");
        System.out.printf("%s: %.1f s; GETs %d, event pages %d, streamed events %,d, stream reconnects %d, "
                        + "other errors %d, archived cutover total %s%n", round.name, seconds, round.getMicros.size(),
                round.pageMicros.size(), round.streamedEvents.get(), round.streamReconnects.get(),
                round.otherErrors.get(), page.body() == null ? "?" : page.body().path("total").asString());
        System.out.printf("  latency ms: get p50=%d p99=%d max=%d; events page p50=%d p99=%d max=%d; failed cutovers %d, "
                        + "5xx %d%n", percentile(round.getMicros, 50), percentile(round.getMicros, 99),
                percentile(round.getMicros, 100), percentile(round.pageMicros, 50), percentile(round.pageMicros, 99),
                percentile(round.pageMicros, 100), round.failed, round.errors5xx.get());
        System.out.printf("  slow requests (>= %d ms): %d; the slowest:%n", SLOW_MICROS / 1000, round.slowest.size());
        round.slowest.stream().sorted(java.util.Comparator.comparingLong(Slow::millis).reversed()).limit(15)
                .forEach(slow -> System.out.printf("  %6d ms at %tT.%<tL %s%n", slow.millis(), slow.at(), slow.path()));
        return round;
    }

    /** A request slower than the target, with its wall-clock time to match against the service's log. */
    private record Slow(long millis, long at, String path) {
    }

    private static String create(Api api) {
        Api.Answer created = api.post("operator", "/api/cutovers", "{\"runbook\":\"load\",\"environment\":\"local\"}");
        if (created.status() != 201) {
            throw new IllegalStateException("create answered " + created.status() + ": " + created.text());
        }
        return created.body().path("id").asString();
    }

    /**
     * Bulk inserts of 100,000 rows with explicit ids (drawing each id from the identity sequence
     * commits every few dozen rows), the archived cutovers' events interleaved by id as a busy night
     * would leave them; then the identity restarts after the last id. Returns the last id.
     */
    private static long seed(Path root, long events) throws Exception {
        String url = "jdbc:h2:retry:" + root.resolve("data/cutover").toAbsolutePath() + ";WRITE_DELAY=0";
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO cutover_event (id, cutover_id, occurred_at, phase, step_id, actor, origin, action,
                       outcome, message, evidence)
                     SELECT ? + r.X, c.id, DATEADD('SECOND', -(? - r.X), CURRENT_TIMESTAMP), 'run', 's' || MOD(r.X, 30),
                       'loader', '127.0.0.1', 'step', CASEWHEN(MOD(r.X, 2) = 0, 'started', 'succeeded'),
                       'seeded event ' || r.X, '{"seeded":true}'
                     FROM SYSTEM_RANGE(?, ?) r
                     JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY created_at, id) - 1 AS n FROM cutover) c
                       ON c.n = MOD(r.X, ?)""")) {
            long base;
            try (var max = connection.createStatement().executeQuery("SELECT COALESCE(MAX(id), 0) FROM cutover_event")) {
                max.next();
                base = max.getLong(1);
            }
            for (long from = 1; from <= events; from += 100_000) {
                insert.setLong(1, base);
                insert.setLong(2, events);
                insert.setLong(3, from);
                insert.setLong(4, Math.min(events, from + 99_999));
                insert.setInt(5, ARCHIVED);
                insert.executeUpdate();
            }
            connection.createStatement().execute("ALTER TABLE cutover_event ALTER COLUMN id RESTART WITH " + (base + events + 1));
            // The totals the service would have kept while appending these events: the n-th archived cutover got
            // every X in 1..events with X mod ARCHIVED = n (arithmetic: a count would read the whole log).
            try (PreparedStatement total = connection.prepareStatement(
                    "UPDATE cutover_event_total SET events = events + ? WHERE cutover_id = "
                            + "(SELECT id FROM cutover ORDER BY created_at, id OFFSET ? ROWS FETCH NEXT 1 ROW ONLY)")) {
                for (int n = 0; n < ARCHIVED; n++) {
                    total.setLong(1, n == 0 ? events / ARCHIVED : events >= n ? (events - n) / ARCHIVED + 1 : 0);
                    total.setInt(2, n);
                    total.executeUpdate();
                }
            }
            return base + events;
        }
    }

    private void poll(Round round, Api api, HttpClient client, List<String> live, List<String> every, long maxEventId) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long polls = 0;
        while (round.running.get()) {
            String id = live.get(random.nextInt(live.size()));
            timed(round, api, client, "/api/cutovers/" + id, round.getMicros);
            if (++polls % 3 == 0) {
                String any = every.get(random.nextInt(every.size()));
                timed(round, api, client, "/api/cutovers/" + any + "/events?limit=100&after=" + random.nextLong(maxEventId),
                        round.pageMicros);
            }
            pause(POLL_PAUSE_MILLIS);
        }
    }

    private void timed(Round round, Api api, HttpClient client, String path, ConcurrentLinkedQueue<Long> micros) {
        long start = System.nanoTime();
        try {
            HttpResponse<Void> response = client.send(api.request("viewer", path).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            long took = (System.nanoTime() - start) / 1000;
            micros.add(took);
            if (took >= SLOW_MICROS) {
                round.slowest.add(new Slow(took / 1000, System.currentTimeMillis(), path));
            }
            count(round, response.statusCode(), path);
        } catch (IOException e) {
            if (round.running.get()) {
                round.otherErrors.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void count(Round round, int status, String what) {
        if (status >= 500) {
            round.errors5xx.incrementAndGet();
            System.out.println(status + " from " + what);
        } else if (status >= 400) {
            round.otherErrors.incrementAndGet();
            System.out.println(status + " from " + what);
        }
    }

    /** Holds a stream and reads it as fast as it comes; reconnects with the last id it saw. */
    private void stream(Round round, Api api, HttpClient client, String cutover) {
        long last = 0;
        while (round.running.get()) {
            HttpRequest request = api.request("viewer", "/api/cutovers/" + cutover + "/events/stream")
                    .timeout(Duration.ofHours(1)).header("Last-Event-ID", Long.toString(last)).GET().build();
            try {
                HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
                count(round, response.statusCode(), "stream of " + cutover);
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while (round.running.get() && (line = lines.readLine()) != null) {
                        if (line.startsWith("id:")) {
                            last = Long.parseLong(line.substring(3).trim());
                            round.streamedEvents.incrementAndGet();
                        }
                    }
                }
            } catch (IOException e) {
                // a dropped stream: reconnect below
            } catch (InterruptedException e) {
                return;
            }
            if (round.running.get()) {
                round.streamReconnects.incrementAndGet();
                pause(500);
            }
        }
    }

    private void sampleHeap(Api api) {
        while (sampling.get()) {
            try {
                JsonNode metric = api.get("viewer", "/actuator/metrics/jvm.memory.used?tag=area:heap").body();
                if (metric != null) {
                    long used = metric.path("measurements").path(0).path("value").asLong();
                    peakHeap.accumulateAndGet(used, Math::max);
                }
                // Is the connection pool a queue? Threads waiting for a connection, connections in use.
                peakPoolPending.accumulateAndGet(gauge(api, "hikaricp.connections.pending"), Math::max);
                peakPoolActive.accumulateAndGet(gauge(api, "hikaricp.connections.active"), Math::max);
            } catch (RuntimeException e) {
                // the next sample
            }
            pause(1000);
        }
    }

    private static long gauge(Api api, String name) {
        JsonNode metric = api.get("viewer", "/actuator/metrics/" + name).body();
        return metric == null ? -1 : metric.path("measurements").path(0).path("value").asLong();
    }

    private int awaitEnd(Api api, List<String> live) {
        long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
        List<String> open = new ArrayList<>(live);
        int failed = 0;
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            for (var it = open.iterator(); it.hasNext(); ) {
                String id = it.next();
                String state;
                try {
                    Api.Answer answer = api.get("operator", "/api/cutovers/" + id);
                    state = answer.body() == null ? "?" : answer.body().path("state").asString();
                } catch (RuntimeException e) {
                    state = "?"; // no answer in time: ask again
                }
                if (List.of("COMPLETED", "FAILED", "ROLLED_BACK", "ABORTED", "INTERRUPTED").contains(state)) {
                    it.remove();
                    if (!"COMPLETED".equals(state)) {
                        failed++;
                        System.out.println("cutover " + id + " ended " + state);
                    }
                }
            }
            pause(1000);
        }
        return failed + open.size();
    }

    private static long percentile(ConcurrentLinkedQueue<Long> micros, int percentile) {
        long[] sorted = micros.stream().mapToLong(Long::longValue).toArray();
        if (sorted.length == 0) {
            return -1;
        }
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1000;
    }

    private static Thread daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
