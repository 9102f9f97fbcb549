package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.cutover.testpeers.TestPeers;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two service processes (A and B) on one MariaDB database of their own, profile {@code mysql}, as
 * a primary and a standby are run: B's startup leaves A's running phase alone, an event appended
 * on A reaches a screen connected to B, and kill -9 of A hands A's phase to B within the lease, the
 * cutover INTERRUPTED naming A, and the {@code autoResume} gate step resumed on B; then a rolling
 * restart (SIGTERM of the instance running a phase, restart, SIGTERM of the other) hands the phase over
 * and back without interrupting it. Each JVM starts once for the first three cases and twice more for
 * the rolling restart (the starts are what this test costs). The database is created on the test
 * stack's source server and dropped at the end; replication only copies the DDL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeveralInstancesIT {

    private static final String PHASE = "migrate";
    private static final Map<String, String> PASSWORDS =
            Map.of("viewer", "viewer-ha-secret", "operator", "operator-ha-secret", "approver", "approver-ha-secret");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path root;

    private final String database = "cutover_ha_" + ProcessHandle.current().pid();
    private TestPeers.MySqlPair mariaDb;
    private HttpServer probe;
    /** The status the gate's probe answers: 503 until the test lets the gate open. */
    private final AtomicInteger probeStatus = new AtomicInteger(503);
    private ServiceProcess a;
    private ServiceProcess b;
    private Api apiA;
    private Api apiB;
    private String running;

    @BeforeAll
    void startInstanceA() throws Exception {
        mariaDb = TestPeers.mariaDb();
        try (Connection connection = mariaDb.openSource(); Statement sql = connection.createStatement()) {
            sql.execute("CREATE DATABASE " + database);
        }
        probe = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        probe.createContext("/ready", exchange -> {
            exchange.sendResponseHeaders(probeStatus.get(), -1);
            exchange.close();
        });
        probe.start();
        writeRunbooks();
        a = ServiceProcess.quickStarting(Files.createDirectories(root.resolve("a")));
        b = ServiceProcess.quickStarting(Files.createDirectories(root.resolve("b")));
        apiA = new Api(a.port(), PASSWORDS);
        apiB = new Api(b.port(), PASSWORDS);
        a.start("service.log", arguments("instance-a"));
    }

    @Test
    @Order(1)
    void aStandbyStartingLeavesTheLiveInstancesPhaseAlone() throws Exception {
        running = create(apiA, "gated");
        assertThat(apiA.post("operator", "/api/cutovers/" + running + "/phases/" + PHASE + "/start", null).status())
                .isEqualTo(202);
        apiA.awaitCutover(running, c -> "RUNNING".equals(Api.stepState(c, "probe")), 30);

        b.start("service.log", arguments("instance-b"));

        JsonNode cutover = apiB.get("viewer", "/api/cutovers/" + running).body();
        String seen = cutover + b.logTail();
        assertThat(cutover.path("state").asString()).as("A's phase after B started: " + seen).isEqualTo("RUNNING");
        assertThat(Api.stepState(cutover, "probe")).as(seen).isEqualTo("RUNNING");
        assertThat(actions(apiB, running)).as("B's startup wrote nothing into A's cutover")
                .doesNotContain("system phase interrupted");
    }

    @Test
    @Order(2)
    void anEventAppendedOnAReachesAScreenOnBWithinASecondAndResumesThereByLastEventId() throws Exception {
        // Once untimed: the first event B relays to a screen takes its code paths cold (C1, loaded classes).
        String warmUp = create(apiA, "quick");
        List<Arrival> warm = new CopyOnWriteArrayList<>();
        Thread warmReader = follow(b.port(), warmUp, lastEventId(apiA, warmUp), warm);
        Thread.sleep(300);
        apiA.post("operator", "/api/cutovers/" + warmUp + "/phases/" + PHASE + "/start", null);
        apiA.awaitState(warmUp, "COMPLETED");
        awaitArrival(warm, lastEventId(apiA, warmUp), 3_000);
        warmReader.interrupt();

        String quick = create(apiA, "quick");
        long created = lastEventId(apiA, quick);
        List<Arrival> arrivals = new CopyOnWriteArrayList<>();
        Thread reader = follow(b.port(), quick, created, arrivals);
        Thread.sleep(300); // connected and replayed (nothing after the create event yet)

        long posted = System.currentTimeMillis(); // the first event is appended while A handles this request
        assertThat(apiA.post("operator", "/api/cutovers/" + quick + "/phases/" + PHASE + "/start", null).status())
                .isEqualTo(202);
        long answered = System.currentTimeMillis();
        apiA.awaitState(quick, "COMPLETED");
        long logged = lastEventId(apiA, quick);
        awaitArrival(arrivals, logged, 3_000);
        reader.interrupt();

        long firstSeen = arrivals.get(0).atMillis() - posted;
        System.out.println("SeveralInstancesIT: first event on B's screen " + firstSeen + " ms after the request to A "
                + "was sent (A answered after " + (answered - posted) + " ms)");
        assertThat(firstSeen).as("ms from sending the request that appends on A to the event on B's screen "
                + "(A answered after %s ms)", answered - posted).isLessThan(1_000L);
        List<Long> ids = arrivals.stream().map(Arrival::id).toList();
        assertThat(ids).as("ids on B: A's event-log ids, in order, no repeats").isSorted().doesNotHaveDuplicates();
        assertThat(ids).as("every event after the one the screen had").isEqualTo(eventIds(apiA, quick, created));

        long resumeFrom = ids.get(ids.size() / 2);
        List<Arrival> resumed = new CopyOnWriteArrayList<>();
        Thread again = follow(b.port(), quick, resumeFrom, resumed);
        awaitArrival(resumed, logged, 3_000);
        again.interrupt();
        assertThat(resumed.stream().map(Arrival::id).toList()).as("after reconnecting to B with Last-Event-ID %s",
                resumeFrom).isEqualTo(eventIds(apiA, quick, resumeFrom));
    }

    @Test
    @Order(3)
    void killNineOfTheInstanceRunningAPhaseHandsItToTheStandbyWithinTheLease() throws Exception {
        assertThat(running).as("the phase of the first case runs on A").isNotNull();
        a.killNine();
        long killed = System.nanoTime();
        JsonNode interrupted = null;
        while (interrupted == null && System.nanoTime() - killed < 10_000_000_000L) {
            interrupted = events(apiB, running).stream()
                    .filter(event -> "interrupted".equals(event.path("outcome").asString())).findFirst().orElse(null);
            Thread.sleep(50);
        }
        long tookMillis = (System.nanoTime() - killed) / 1_000_000;
        assertThat(interrupted).as("an 'interrupted' event on B after A's kill" + b.logTail()).isNotNull();
        System.out.println("SeveralInstancesIT: takeover " + tookMillis + " ms after kill -9 (lease 3 s)");
        assertThat(tookMillis).as("takeover after the kill (ms), lease 3 s").isLessThan(4_000);
        assertThat(interrupted.path("message").asString()).as("names the dead instance").contains("instance-a")
                .contains("taken over by instance instance-b");
        assertThat(interrupted.path("evidence").path("deadInstance").asString()).isEqualTo("instance-a");

        // The gate says autoResume: B restarts the phase by itself and the gate polls again from there.
        JsonNode resumed = apiB.awaitCutover(running, c -> "RUNNING".equals(c.path("state").asString())
                && "RUNNING".equals(Api.stepState(c, "probe")), 10);
        assertThat(Api.step(resumed, "probe").path("attempts").asInt()).as("attempts of the gate").isEqualTo(2);
        assertThat(actions(apiB, running)).as("event log").contains("system phase interrupted",
                "system restart-phase accepted");
        probeStatus.set(200);
        JsonNode ended = apiB.awaitCutover(running, c -> !"RUNNING".equals(c.path("state").asString()), 20);
        assertThat(ended.path("state").asString()).as(ended + b.logTail()).isEqualTo("COMPLETED");
    }

    /**
     * A rolling restart across real processes: SIGTERM of the instance running a phase while its gate
     * step runs hands the phase to the other instance, which continues it; the stopped JVM starts again
     * and SIGTERM of the other hands it back. Never INTERRUPTED, nothing recorded twice or lost.
     */
    @Test
    @Order(4)
    void aRollingRestartHandsARunningPhaseOverAndBackWithoutInterruptingIt() throws Exception {
        long began = System.nanoTime();
        probeStatus.set(503);
        a.start("service-2.log", arguments("instance-a")); // A was killed in the case before
        long firstStart = System.nanoTime() - began;
        String rolling = create(apiA, "gated");
        assertThat(apiA.post("operator", "/api/cutovers/" + rolling + "/phases/" + PHASE + "/start", null).status())
                .isEqualTo(202);
        apiA.awaitCutover(rolling, c -> "RUNNING".equals(Api.stepState(c, "probe")), 30);

        long stopping = System.nanoTime();
        a.stop(); // SIGTERM: A pauses its phase at the running gate and offers it to B
        assertThat(a.process().exitValue()).as("A stopped gracefully" + a.logTail()).isNotEqualTo(137);
        JsonNode onB = apiB.awaitCutover(rolling, c -> "RUNNING".equals(Api.stepState(c, "probe"))
                && Api.step(c, "probe").path("attempts").asInt() == 2, 20);
        long handedOver = System.nanoTime() - stopping;
        assertThat(onB.path("runsOn").path("instance").asString()).as(onB.toString()).isEqualTo("instance-b");
        assertThat(messages(apiB, rolling, "handover", "taken")).singleElement().asString()
                .contains("from service instance instance-a").contains("to instance-b");

        long restarting = System.nanoTime();
        a.start("service-3.log", arguments("instance-a"));
        long secondStart = System.nanoTime() - restarting;
        stopping = System.nanoTime();
        b.stop(); // SIGTERM of the other: handed back to A
        assertThat(b.process().exitValue()).as("B stopped gracefully" + b.logTail()).isNotEqualTo(137);
        JsonNode onA = apiA.awaitCutover(rolling, c -> "RUNNING".equals(Api.stepState(c, "probe"))
                && Api.step(c, "probe").path("attempts").asInt() == 3, 20);
        long handedBack = System.nanoTime() - stopping;
        assertThat(onA.path("runsOn").path("instance").asString()).as(onA.toString()).isEqualTo("instance-a");
        assertThat(messages(apiA, rolling, "handover", "taken")).hasSize(2).last().asString()
                .contains("from service instance instance-b").contains("to instance-a");

        probeStatus.set(200);
        JsonNode ended = apiA.awaitCutover(rolling, c -> !"RUNNING".equals(c.path("state").asString()), 20);
        assertThat(ended.path("state").asString()).as(ended + a.logTail()).isEqualTo("COMPLETED");
        List<String> actions = actions(apiA, rolling);
        assertThat(actions).as("never interrupted, nothing failed").noneMatch(action -> action.endsWith(" interrupted")
                || action.endsWith(" failed") || action.endsWith(" fenced"));
        assertThat(actions).as("event log").containsSubsequence("system phase pausing", "system handover offered",
                "system handover taken", "system phase pausing", "system handover offered", "system handover taken",
                "system phase completed");
        assertThat(actions.stream().filter("system step succeeded"::equals)).as("each step succeeded once, "
                + "the gate on A at last, then the command").hasSize(2);
        assertThat(Api.step(ended, "probe").path("attempts").asInt()).as("gate: A, B, A").isEqualTo(3);
        assertThat(Api.stepState(ended, "last")).isEqualTo("SUCCEEDED");
        List<Long> ids = events(apiA, rolling).stream().map(event -> event.path("id").asLong()).toList();
        assertThat(ids).as("event ids in order, none twice").isSorted().doesNotHaveDuplicates();
        System.out.println("SeveralInstancesIT: rolling restart case took " + (System.nanoTime() - began) / 1_000_000
                + " ms: JVM starts " + firstStart / 1_000_000 + " and " + secondStart / 1_000_000 + " ms; SIGTERM to "
                + "running on the other instance " + handedOver / 1_000_000 + " and " + handedBack / 1_000_000 + " ms");
    }

    /**
     * A rolling restart in the middle of a rollback: SIGTERM of the instance running it lets the running
     * inverse finish (never cut in the middle), stops the rollback before the next one and hands it to
     * the other instance, which undoes the rest. Each inverse runs once, whole, last step first; the
     * cutover ends ROLLED_BACK, never ROLLBACK_FAILED.
     */
    @Test
    @Order(5)
    void aRollingRestartInTheMiddleOfARollbackHandsItOverBetweenInverses() throws Exception {
        b.start("service-4.log", arguments("instance-b")); // B was stopped in the case before; A runs
        String undone = create(apiA, "undo");
        assertThat(apiA.post("operator", "/api/cutovers/" + undone + "/phases/" + PHASE + "/start", null).status())
                .isEqualTo(202);
        apiA.awaitCutover(undone, c -> "COMPLETED".equals(c.path("state").asString()), 30);
        assertThat(apiA.post("approver", "/api/cutovers/" + undone + "/rollback", null).status()).isEqualTo(202);
        long deadline = System.currentTimeMillis() + 20_000;
        while (!Files.exists(undoLog()) || !Files.readString(undoLog()).contains("start third")) {
            assertThat(System.currentTimeMillis()).as("the first inverse starts on A").isLessThan(deadline);
            Thread.sleep(20);
        }

        long stopping = System.nanoTime();
        a.stop(); // SIGTERM while the first inverse runs
        long stopped = System.nanoTime() - stopping;
        assertThat(a.process().exitValue()).as("A stopped gracefully" + a.logTail()).isNotEqualTo(137);
        JsonNode ended = apiB.awaitCutover(undone, c -> !"ROLLING_BACK".equals(c.path("state").asString()), 30);
        System.out.println("SeveralInstancesIT: SIGTERM to A's exit " + stopped / 1_000_000 + " ms, to ROLLED_BACK on B "
                + (System.nanoTime() - stopping) / 1_000_000 + " ms; " + events(apiB, undone).stream()
                .filter(event -> List.of("rollback", "handover").contains(event.path("action").asString()))
                .map(event -> event.path("outcome").asString() + ": " + event.path("message").asString()).toList());
        assertThat(ended.path("state").asString()).as(ended + b.logTail()).isEqualTo("ROLLED_BACK");
        assertThat(Files.readAllLines(undoLog())).as("each inverse once and whole, last step first")
                .containsExactly("start third", "end third", "start second", "end second", "start first", "end first");
        List<String> actions = actions(apiB, undone);
        assertThat(actions).as("event log").noneMatch(action -> action.endsWith(" interrupted")
                || action.equals("system rollback failed") || action.endsWith(" fenced"));
        assertThat(actions).as("event log").containsSubsequence("system rollback pausing", "system handover offered",
                "system handover taken", "system rollback completed");
        assertThat(messages(apiB, undone, "handover", "taken")).singleElement().asString()
                .contains("rollback").contains("from service instance instance-a").contains("to instance-b");
    }

    private Path undoLog() {
        return root.resolve("undo.log");
    }

    private static List<String> messages(Api api, String id, String action, String outcome) {
        return events(api, id).stream().filter(event -> action.equals(event.path("action").asString())
                && outcome.equals(event.path("outcome").asString())).map(event -> event.path("message").asString())
                .toList();
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (ServiceProcess service : new ServiceProcess[] {a, b}) {
            if (service != null) {
                service.close();
            }
        }
        if (probe != null) {
            probe.stop(0);
        }
        if (mariaDb != null) {
            try (Connection connection = mariaDb.openSource(); Statement sql = connection.createStatement()) {
                sql.execute("DROP DATABASE IF EXISTS " + database);
            }
        }
    }

    private String[] arguments(String instance) {
        String url = mariaDb.sourceUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
        List<String> arguments = new ArrayList<>(List.of("--spring.profiles.active=mysql",
                "--spring.datasource.url=" + url, "--spring.datasource.username=" + mariaDb.user(),
                "--spring.datasource.password=" + mariaDb.password(), "--cutover.instance.id=" + instance,
                "--cutover.instance.lease=3s", "--cutover.runbooks.location=" + root.resolve("runbooks"),
                "--spring.main.banner-mode=off"));
        List<String> users = List.of("viewer", "operator", "approver");
        for (int i = 0; i < users.size(); i++) {
            String user = "--cutover.security.users[" + i + "].";
            arguments.addAll(List.of(user + "name=" + users.get(i), user + "roles=" + users.get(i).toUpperCase(),
                    user + "password={noop}" + PASSWORDS.get(users.get(i))));
        }
        return arguments.toArray(String[]::new);
    }

    private void writeRunbooks() throws IOException {
        Path runbooks = Files.createDirectories(root.resolve("runbooks"));
        for (String name : List.of("gated", "quick", "undo")) {
            try (InputStream in = SeveralInstancesIT.class.getResourceAsStream("/instances-runbooks/" + name + ".yaml")) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Files.writeString(runbooks.resolve(name + ".yaml"),
                        text.replace("@PROBE@", "http://127.0.0.1:" + probe.getAddress().getPort() + "/ready")
                                .replace("@UNDO_LOG@", undoLog().toString()));
            }
        }
    }

    private static String create(Api api, String runbook) {
        Api.Answer created = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"" + runbook + "\",\"environment\":\"local\",\"rehearsal\":true}");
        assertThat(created.status()).as("create: %s", created.text()).isEqualTo(201);
        return created.body().path("id").asString();
    }

    private static List<JsonNode> events(Api api, String id) {
        List<JsonNode> events = new ArrayList<>();
        api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").body().path("events").forEach(events::add);
        return events;
    }

    private static List<String> actions(Api api, String id) {
        return events(api, id).stream().map(event -> event.path("actor").asString() + " "
                + event.path("action").asString() + " " + event.path("outcome").asString()).toList();
    }

    private static long lastEventId(Api api, String id) {
        List<JsonNode> events = events(api, id);
        return events.get(events.size() - 1).path("id").asLong();
    }

    private static List<Long> eventIds(Api api, String id, long after) {
        return events(api, id).stream().map(event -> event.path("id").asLong()).filter(eventId -> eventId > after)
                .toList();
    }

    /** One event as a screen on B got it: its id and when (epoch ms, this JVM's clock). */
    private record Arrival(long id, long atMillis) {
    }

    /**
     * Reads the cutover's event stream on the instance at {@code port} from {@code lastEventId}, as
     * EventSource would, over a plain socket read byte by byte: each line is seen the moment its
     * newline arrives (a buffered reader could hold a line back until more bytes come).
     */
    private static Thread follow(int port, String id, long lastEventId, List<Arrival> arrivals) {
        Thread reader = new Thread(() -> {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                String credentials = java.util.Base64.getEncoder().encodeToString(
                        ("viewer:" + PASSWORDS.get("viewer")).getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().write(("GET /api/cutovers/" + id + "/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Accept: text/event-stream\r\nAuthorization: Basic " + credentials + "\r\nLast-Event-ID: "
                        + lastEventId + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
                String eventId = null;
                String data = null;
                java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
                for (int b = in.read(); b >= 0 && !Thread.currentThread().isInterrupted(); b = in.read()) {
                    if (b != '\n') {
                        line.write(b);
                        continue;
                    }
                    String text = line.toString(StandardCharsets.UTF_8).replace("\r", "");
                    line.reset();
                    if (text.startsWith("id:")) {
                        eventId = text.substring(3).trim();
                    } else if (text.startsWith("data:")) {
                        data = text.substring(5).trim();
                    } else if (text.isEmpty()) {
                        // (the event's occurredAt is written to the second: no use for timing)
                        if (eventId != null && !eventId.isEmpty() && !"0".equals(eventId) && data != null) {
                            arrivals.add(new Arrival(Long.parseLong(eventId), System.currentTimeMillis()));
                        }
                        eventId = null;
                        data = null;
                    }
                }
            } catch (IOException | RuntimeException ended) {
                // the test interrupted it, or the stream ended
            }
        }, "sse-" + id);
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    private static void awaitArrival(List<Arrival> arrivals, long id, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (arrivals.stream().noneMatch(arrival -> arrival.id() >= id) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(arrivals.stream().map(Arrival::id).toList()).as("events seen on B by id").contains(id);
    }
}
