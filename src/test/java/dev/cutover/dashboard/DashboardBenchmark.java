package dev.cutover.dashboard;

import dev.cutover.CutoverApplication;
import dev.cutover.step.CutoverEventLog;
import dev.cutover.testsupport.Api;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard's speed (bench/dashboard.sh runs it): the service in this JVM on a free port with an
 * in-memory H2 and a runbook of quick {@code command} steps, driven over real HTTP by browsers
 * logged in through the form.
 * <ul>
 *   <li>page: a cutover whose log holds 10,000 events (two phases run for real, the rest appended
 *       through the event log's published API in the shapes of those real events); the time of the
 *       whole HTML answer of {@code GET /cutovers/{id}}, median and p90 after warm-up. Also printed:
 *       the live fragment, and how long the event stream takes to hand an opening page its feed.</li>
 *   <li>first event: an event stream open on a fresh cutover; the time from sending
 *       {@code POST /api/cutovers/{id}/phases/ping/start} to its {@code start-phase} event arriving.</li>
 *   <li>slowdown: the duration of phase {@code work} (20 command steps; first step start to last
 *       step end, as the service records them) with no viewer and with 50 simulated open pages,
 *       alternating, several rounds; the ratio of the medians.</li>
 * </ul>
 * Last line: {@code dashboard: page_ms=.. first_event_ms=.. viewers=.. phase_slowdown=..}.
 * Options: {@code --events=10000 --viewers=50 --rounds=5 --samples=50}.
 */
public final class DashboardBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int WORK_STEPS = 20;

    public static void main(String[] args) throws Exception {
        Map<String, Integer> options = options(args);
        int eventCount = options.getOrDefault("events", 10_000);
        int viewerCount = options.getOrDefault("viewers", 50);
        int rounds = options.getOrDefault("rounds", 5);
        int samples = options.getOrDefault("samples", 50);

        Path runbooks = Files.createTempDirectory("dashboard-bench-");
        Files.writeString(runbooks.resolve("bench.yaml"), runbook());
        ConfigurableApplicationContext app = new SpringApplication(CutoverApplication.class).run("--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:dashboard-bench;DB_CLOSE_DELAY=-1",
                "--cutover.runbooks.location=" + runbooks, "--cutover.scheduling.enabled=false",
                "--spring.main.banner-mode=off", "--logging.level.root=WARN");
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
        try {
            int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
            Api api = new Api(port);
            BrowserSession browser = BrowserSession.login(port, "viewer");

            double pageMs = pageFigures(app, api, port, browser, eventCount, samples);
            double firstEventMs = firstEventFigures(api, port, browser, Math.max(10, samples / 2));
            double slowdown = slowdownFigures(api, port, browser, viewerCount, rounds, timers);
            System.out.printf("dashboard: page_ms=%.1f first_event_ms=%.1f viewers=%d phase_slowdown=%.3f%n", pageMs,
                    firstEventMs, viewerCount, slowdown);
        } finally {
            timers.shutdownNow();
            app.close();
        }
    }

    // ---- page of a cutover with 10,000 events

    private static double pageFigures(ConfigurableApplicationContext app, Api api, int port, BrowserSession browser,
                                      int eventCount, int samples) throws Exception {
        String id = create(api);
        runPhase(api, port, browser, id, "ping");
        runPhase(api, port, browser, id, "work");
        long seeded = seed(app.getBean(CutoverEventLog.class), api, id, eventCount);
        System.out.printf("seeded: cutover %s with %d events (%d appended in the shapes of the real ones)%n", id,
                eventCount, seeded);

        String page = "/cutovers/" + id;
        List<Double> pageTimes = time(() -> expect200(browser.get(page)), 20, samples);
        int size = browser.get(page).body().length();
        System.out.printf("page GET %s: median %.1f ms, p90 %.1f ms, %d characters (%d samples after 20 warm-up)%n",
                page, median(pageTimes), p90(pageTimes), size, samples);
        List<Double> fragmentTimes = time(() -> expect200(browser.get(page + "/live")), 10, samples);
        System.out.printf("live fragment GET %s/live: median %.1f ms, p90 %.1f ms%n", page, median(fragmentTimes),
                p90(fragmentTimes));

        List<Double> feedTimes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            feedTimes.add(feedOpening(port, browser, id, eventCount));
        }
        System.out.printf("event stream of an opening page, until its feed is complete (%d events): median %.1f ms%n",
                eventCount, median(feedTimes));
        return median(pageTimes);
    }

    /** Appends events until the cutover's log holds {@code total}, cycling through the shapes of its real events. */
    private static long seed(CutoverEventLog log, Api api, String id, int total) {
        JsonNode real = api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000").body();
        List<JsonNode> shapes = new ArrayList<>();
        real.path("events").forEach(shapes::add);
        if (shapes.isEmpty()) {
            real.forEach(shapes::add);
        }
        int missing = total - shapes.size();
        for (int i = 0; i < missing; i++) {
            JsonNode shape = shapes.get(i % shapes.size());
            Map<String, Object> evidence = JSON.convertValue(shape.path("evidence"), Map.class);
            log.record(id, text(shape, "stepId"), shape.path("actor").asString(), shape.path("action").asString(),
                    shape.path("outcome").asString(), text(shape, "message"),
                    evidence == null ? new LinkedHashMap<>() : evidence);
        }
        return Math.max(0, missing);
    }

    /** Opens the stream as a page does (from the start) and waits for the newest event of the log. */
    private static double feedOpening(int port, BrowserSession browser, String id, int eventCount) throws Exception {
        CountDownLatch complete = new CountDownLatch(1);
        AtomicLong received = new AtomicLong();
        long start = System.nanoTime();
        try (SseConnection stream = SseConnection.open(port, "/api/cutovers/" + id + "/events/stream",
                browser.cookieHeader(), event -> {
                    if ("cutover-event".equals(event.name()) && received.incrementAndGet() >= eventCount) {
                        complete.countDown();
                    }
                })) {
            if (!complete.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the stream sent " + received.get() + " of " + eventCount + " events");
            }
            return (System.nanoTime() - start) / 1e6;
        }
    }

    // ---- from an API action to its event on an open stream

    private static double firstEventFigures(Api api, int port, BrowserSession browser, int samples) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < samples + 3; i++) {
            String id = create(api);
            CountDownLatch created = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch ended = new CountDownLatch(1);
            AtomicLong arrived = new AtomicLong();
            try (SseConnection stream = SseConnection.open(port, "/api/cutovers/" + id + "/events/stream",
                    browser.cookieHeader(), event -> {
                        if (event.data().contains("\"action\":\"create\"")) {
                            created.countDown();
                        } else if (event.data().contains("\"action\":\"start-phase\"")) {
                            arrived.set(event.arrivedNanos());
                            started.countDown();
                        } else if (event.data().contains("\"action\":\"phase\"")
                                && !event.data().contains("\"outcome\":\"started\"")) {
                            ended.countDown();
                        }
                    })) {
                await(created, "the create event");
                long sent = System.nanoTime();
                Api.Answer answer = api.post("operator", "/api/cutovers/" + id + "/phases/ping/start", null);
                if (answer.status() != 202) {
                    throw new IllegalStateException("start answered " + answer.status() + ": " + answer.text());
                }
                await(started, "the start-phase event");
                if (i >= 3) { // the first few warm up
                    times.add((arrived.get() - sent) / 1e6);
                }
                await(ended, "the end of phase ping");
            }
            awaitPhase(api, id, "ping");
        }
        System.out.printf("first event (POST .../phases/ping/start -> start-phase on the stream): median %.1f ms, "
                + "p90 %.1f ms (%d samples)%n", median(times), p90(times), times.size());
        return median(times);
    }

    // ---- a phase with and without 50 open pages

    private static double slowdownFigures(Api api, int port, BrowserSession browser, int viewerCount, int rounds,
                                          ScheduledExecutorService timers) throws Exception {
        List<BrowserSession> screens = new ArrayList<>();
        for (int i = 0; i < viewerCount; i++) {
            screens.add(BrowserSession.login(port, "viewer"));
        }
        phaseMillis(api, port, browser, List.of(), timers); // warm-up
        List<Double> alone = new ArrayList<>();
        List<Double> watched = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            boolean watchedFirst = round % 2 == 0;
            for (boolean withViewers : watchedFirst ? List.of(true, false) : List.of(false, true)) {
                double millis = phaseMillis(api, port, browser, withViewers ? screens : List.of(), timers);
                (withViewers ? watched : alone).add(millis);
                System.out.printf("round %d: phase work with %2d viewers: %.0f ms%n", round,
                        withViewers ? viewerCount : 0, millis);
            }
        }
        double ratio = median(watched) / median(alone);
        System.out.printf("phase work (%d command steps): median %.0f ms alone, %.0f ms with %d viewers: x%.3f%n",
                WORK_STEPS, median(alone), median(watched), viewerCount, ratio);
        return ratio;
    }

    private static double phaseMillis(Api api, int port, BrowserSession browser, List<BrowserSession> screens,
                                      ScheduledExecutorService timers) throws Exception {
        String id = create(api);
        runPhase(api, port, browser, id, "ping");
        List<SimulatedViewer> viewers = new ArrayList<>();
        try {
            for (BrowserSession screen : screens) {
                viewers.add(SimulatedViewer.open(port, screen, id));
            }
            long events = eventsOf(api, id);
            long deadline = System.currentTimeMillis() + 30_000;
            while (viewers.stream().anyMatch(v -> v.events() < events) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(500); // the opening refreshes settle
            JsonNode done = runPhase(api, port, browser, id, "work");
            Instant first = null;
            Instant last = null;
            for (JsonNode phase : done.path("phases")) {
                if (!"work".equals(phase.path("name").asString())) {
                    continue;
                }
                for (JsonNode step : phase.path("steps")) {
                    Instant started = Instant.parse(step.path("startedAt").asString());
                    Instant ended = Instant.parse(step.path("endedAt").asString());
                    first = first == null || started.isBefore(first) ? started : first;
                    last = last == null || ended.isAfter(last) ? ended : last;
                }
            }
            return Duration.between(first, last).toNanos() / 1e6;
        } finally {
            long pushed = viewers.stream().mapToLong(SimulatedViewer::parts).sum();
            for (SimulatedViewer viewer : viewers) {
                viewer.close();
            }
            if (!viewers.isEmpty()) {
                System.out.printf("  (%d viewers were pushed the live parts %d times)%n", viewers.size(), pushed);
            }
        }
    }

    // ---- helpers

    private static String runbook() {
        StringBuilder yaml = new StringBuilder("""
                name: bench
                description: Quick steps for bench/dashboard.sh
                environments:
                  local: { connections: {} }
                phases:
                  - name: ping
                    steps:
                      - id: ping
                        type: command
                        owner: devops-lead
                        with: { run: "true" }
                  - name: work
                    steps:
                """);
        for (int i = 1; i <= WORK_STEPS; i++) {
            yaml.append(String.format("""
                          - id: step-%02d
                            type: command
                            owner: devops-lead
                            escalation: on-call
                            with: { run: "echo step %d done" }
                    """, i, i));
        }
        return yaml.toString();
    }

    private static String create(Api api) {
        Api.Answer created = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"bench\",\"environment\":\"local\",\"rehearsal\":true}");
        if (created.status() != 201) {
            throw new IllegalStateException("could not create a cutover: " + created.text());
        }
        return created.body().path("id").asString();
    }

    /**
     * Starts the phase and waits for its "phase completed" event on an event stream of its own, so the
     * benchmark adds no polling (each Basic request costs a bcrypt check) while the phase runs.
     */
    private static JsonNode runPhase(Api api, int port, BrowserSession browser, String id, String phase)
            throws Exception {
        CountDownLatch completed = new CountDownLatch(1);
        try (SseConnection stream = SseConnection.open(port, "/api/cutovers/" + id + "/events/stream",
                browser.cookieHeader(), event -> {
                    if (!"cutover-event".equals(event.name())) {
                        return;
                    }
                    JsonNode data = JSON.readTree(event.data());
                    if ("phase".equals(data.path("action").asString()) && phase.equals(data.path("phase").asString())) {
                        if ("failed".equals(data.path("outcome").asString())) {
                            System.err.println("phase " + phase + " failed: " + event.data());
                        }
                        completed.countDown();
                    }
                })) {
            Api.Answer started = api.post("operator", "/api/cutovers/" + id + "/phases/" + phase + "/start", null);
            if (started.status() != 202) {
                throw new IllegalStateException("phase " + phase + " did not start: " + started.text());
            }
            if (!completed.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("phase " + phase + " did not end within 120 s");
            }
        }
        return awaitPhase(api, id, phase);
    }

    private static JsonNode awaitPhase(Api api, String id, String phase) {
        return api.awaitCutover(id, cutover -> {
            for (JsonNode p : cutover.path("phases")) {
                if (phase.equals(p.path("name").asString())) {
                    String state = p.path("state").asString();
                    if (state.equals("FAILED")) {
                        throw new IllegalStateException("phase " + phase + " failed: " + cutover);
                    }
                    return state.equals("COMPLETED") && !"RUNNING".equals(cutover.path("state").asString());
                }
            }
            return false;
        }, 120);
    }

    private static long eventsOf(Api api, String id) {
        JsonNode page = api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000").body();
        JsonNode events = page.has("events") ? page.path("events") : page;
        return events.size();
    }

    private static void expect200(HttpResponse<String> answer) {
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("answered " + answer.statusCode());
        }
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(what + " did not arrive within 30 s");
        }
    }

    private static List<Double> time(Runnable request, int warmUp, int samples) {
        for (int i = 0; i < warmUp; i++) {
            request.run();
        }
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            request.run();
            times.add((System.nanoTime() - start) / 1e6);
        }
        return times;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNull() || value.isMissingNode() ? null : value.asString();
    }

    static double median(List<Double> values) {
        return percentile(values, 0.5);
    }

    static double p90(List<Double> values) {
        return percentile(values, 0.9);
    }

    private static double percentile(List<Double> values, double quantile) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1));
    }

    private static Map<String, Integer> options(String[] args) {
        Map<String, Integer> options = new LinkedHashMap<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            if (pair.length != 2) {
                throw new IllegalArgumentException("options look like --events=10000, not " + arg);
            }
            options.put(pair[0], Integer.parseInt(pair[1]));
        }
        return options;
    }

    private DashboardBenchmark() {
    }
}
