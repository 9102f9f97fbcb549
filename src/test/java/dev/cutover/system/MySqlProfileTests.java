package dev.cutover.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.TestRunbooks;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole service with profile {@code mysql} on the MariaDB source of the test stack (MySQL in
 * Docker when there is Docker), in a database of its own, with real (non-default) passwords:
 * Flyway builds every table, a phase runs, events keep UTC instants and their evidence, and
 * {@code Idempotency-Key} replays. The JVM runs in a non-UTC zone so that any time-zone slip
 * between Java and the {@code DATETIME} columns shows as hours.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("mysql")
@DirtiesContext // a context of its own with a pool on MariaDB: close it when the class is done
class MySqlProfileTests {

    /** UTC+05:45: neither UTC nor a whole hour away from it. */
    private static final TimeZone JVM_ZONE = TimeZone.getTimeZone("Asia/Kathmandu");
    private static final TimeZone ORIGINAL_ZONE = TimeZone.getDefault();
    /**
     * DATETIME(6) keeps microseconds on MySQL 8, but mysql-connector-j sends whole seconds to
     * MariaDB 10.x: it reads the server's "5.5.5-10.x" handshake version as MySQL 5.5, which had no
     * fractional seconds. So a stored instant may be up to a second before the moment it records.
     */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(2);
    private static final String ROLE_OF_EACH = "viewer:VIEWER,operator:OPERATOR,approver:APPROVER";
    private static final String CREATE_WALKTHROUGH =
            "{\"runbook\":\"walkthrough\",\"environment\":\"local\",\"rehearsal\":true}";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final TestRunbooks RUNBOOKS = TestRunbooks.create();
    private static final Map<String, String> PASSWORDS = new LinkedHashMap<>();
    private static FreshMySqlDatabase database;

    @LocalServerPort
    private int port;

    @Autowired
    private DataSource dataSource;

    private Api api;

    @DynamicPropertySource
    static synchronized void properties(DynamicPropertyRegistry registry) {
        // Runs once, just before the context is built: the zone is in place before any pool or clock.
        TimeZone.setDefault(JVM_ZONE);
        if (database == null) {
            database = FreshMySqlDatabase.create("cutover_state");
        }
        registry.add("MYSQL_URL", database::url);
        registry.add("MYSQL_USER", database::user);
        registry.add("MYSQL_PASSWORD", database::password);
        registry.add("cutover.runbooks.location", () -> RUNBOOKS.runbooks().toString());
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();
        int index = 0;
        for (String entry : ROLE_OF_EACH.split(",")) {
            String name = entry.substring(0, entry.indexOf(':'));
            String role = entry.substring(entry.indexOf(':') + 1);
            String password = PASSWORDS.computeIfAbsent(name, n -> n + "-" + UUID.randomUUID());
            String hash = "{bcrypt}" + bcrypt.encode(password);
            String prefix = "cutover.security.users[" + index++ + "].";
            registry.add(prefix + "name", () -> name);
            registry.add(prefix + "password", () -> hash);
            registry.add(prefix + "roles[0]", () -> role);
        }
    }

    @AfterAll
    static void restoreZone() {
        TimeZone.setDefault(ORIGINAL_ZONE);
    }

    @BeforeEach
    void api() {
        api = new Api(port, PASSWORDS);
    }

    @Test
    void flywayBuiltEveryTableInTheServiceDatabaseOnMariaDb() throws Exception {
        Api.Answer health = api.get(null, "/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().path("status").asString()).isEqualTo("UP");

        // The service's pool is on the fresh database, its sessions in UTC.
        JdbcClient service = JdbcClient.create(dataSource);
        assertThat(service.sql("SELECT DATABASE()").query(String.class).single()).isEqualTo(database.name());
        assertThat(service.sql("SELECT @@session.time_zone").query(String.class).single())
                .isIn("+00:00", "UTC");

        try (Connection connection = database.open()) {
            List<String> tables = strings(connection,
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", database.name());
            assertThat(tables).contains("BATCH_JOB_INSTANCE", "BATCH_JOB_EXECUTION", "BATCH_JOB_EXECUTION_PARAMS",
                    "BATCH_JOB_EXECUTION_CONTEXT", "BATCH_STEP_EXECUTION", "BATCH_STEP_EXECUTION_CONTEXT",
                    "BATCH_JOB_INSTANCE_SEQ", "BATCH_JOB_EXECUTION_SEQ", "BATCH_STEP_EXECUTION_SEQ",
                    "cutover", "cutover_step", "cutover_event", "step_approval", "idempotent_request",
                    "sync_run", "sync_failure", "sync_mismatch", "sync_prefix_count", "sync_schedule", "shedlock",
                    "flyway_schema_history");
            assertThat(strings(connection, "SELECT CONCAT(version, ':', success) FROM flyway_schema_history "
                    + "WHERE version IS NOT NULL ORDER BY installed_rank")).containsExactlyElementsOf(shippedMigrations());
        }

        // The configured passwords sign in; the dev passwords of application.yaml do not.
        assertThat(api.get("viewer", "/api/cutovers").status()).isEqualTo(200);
        assertThat(new Api(port).get("viewer", "/api/cutovers").status()).isEqualTo(401);
    }

    @Test
    void preparePhaseRunsToReadyAndItsEventsKeepUtcInstantsAndEvidence() throws SQLException {
        Instant before = Instant.now();
        Api.Answer created = api.post("operator", "/api/cutovers", CREATE_WALKTHROUGH);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.body().path("id").asString();
        assertThat(created.body().path("state").asString()).isEqualTo("READY");

        Api.Answer started = api.post("operator", "/api/cutovers/" + id + "/phases/prepare/start", null);
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        JsonNode ready = api.awaitCutover(id, c -> "READY".equals(c.path("state").asString())
                && "SUCCEEDED".equals(Api.stepState(c, "write-marker")), 30);
        List<String> story = awaitEvents(id, s -> s.contains("system phase completed "));
        Instant after = Instant.now();

        assertThat(RUNBOOKS.lines(id + ".prepared")).containsExactly("prepared");
        assertThat(story).containsSubsequence(
                "operator create succeeded ",
                "operator start-phase accepted ",
                "system phase started ",
                "system step started write-marker",
                "system step succeeded write-marker",
                "system phase completed ");

        // Instants the API shows, read back from DATETIME columns: now, not hours away.
        assertNear(instant(ready.path("createdAt")), before, after);
        assertNear(instant(ready.path("updatedAt")), before, after);
        JsonNode step = Api.step(ready, "write-marker");
        assertNear(instant(step.path("startedAt")), before, after);
        assertNear(instant(step.path("endedAt")), before, after);

        JsonNode events = api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").body().path("events");
        Instant previous = Instant.MIN;
        for (JsonNode event : events) {
            Instant occurredAt = instant(event.path("occurredAt"));
            assertNear(occurredAt, before, after);
            assertThat(occurredAt).isAfterOrEqualTo(previous);
            previous = occurredAt;
        }

        // The rows themselves: DATETIME holds the UTC wall clock, evidence is the JSON the API shows.
        Map<Long, JsonNode> apiEvents = new LinkedHashMap<>();
        events.forEach(event -> apiEvents.put(event.path("id").asLong(), event));
        try (Connection connection = database.open();
                PreparedStatement query = connection.prepareStatement("""
                        SELECT id, DATE_FORMAT(occurred_at, '%Y-%m-%dT%H:%i:%s.%fZ') AS wall_clock,
                          TIMESTAMPDIFF(MICROSECOND, occurred_at, UTC_TIMESTAMP(6)) AS age_micros, evidence
                        FROM cutover_event WHERE cutover_id = ? ORDER BY id""")) {
            query.setString(1, id);
            int rows = 0;
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    JsonNode shown = apiEvents.get(rs.getLong("id"));
                    assertThat(shown).as("event %s over the API", rs.getLong("id")).isNotNull();
                    assertThat(Instant.parse(rs.getString("wall_clock")))
                            .as("stored wall clock of event %s is its UTC instant", rs.getLong("id"))
                            .isEqualTo(instant(shown.path("occurredAt")));
                    assertThat(rs.getLong("age_micros")).as("age of event %s by the server's UTC clock",
                            rs.getLong("id")).isBetween(-CLOCK_SLACK.toNanos() / 1000, 120_000_000L);
                    assertThat(JSON.readTree(rs.getString("evidence"))).isEqualTo(shown.path("evidence"));
                }
            }
            assertThat(rows).isEqualTo(events.size());

            // Spring Batch's job repository on MariaDB: the phase's job execution row is there and done.
            long jobExecutionId = ready.path("jobExecutionId").asLong();
            assertThat(awaitString(connection, "SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = ?",
                    jobExecutionId, "COMPLETED")).isEqualTo("COMPLETED");
        }

        JsonNode create = event(events, "create", "succeeded", null).path("evidence");
        assertThat(create.path("runbook").asString()).isEqualTo("walkthrough");
        assertThat(create.path("environment").asString()).isEqualTo("local");
        assertThat(create.path("rehearsal").isBoolean()).isTrue();
        assertThat(create.path("rehearsal").asBoolean()).isTrue();
        assertThat(create.path("runbookFile").asString()).endsWith("walkthrough.yaml");
        JsonNode marker = event(events, "step", "succeeded", "write-marker").path("evidence");
        assertThat(marker.path("exitCode").isIntegralNumber()).isTrue();
        assertThat(marker.path("exitCode").asInt()).isZero();
        assertThat(marker.path("command").asString()).contains("echo prepared >> ");

        // Pages of the log (LIMIT bound as a parameter) add up to the whole log, in order.
        List<Long> paged = new ArrayList<>();
        Long next = 0L;
        while (next != null) {
            JsonNode page = api.get("viewer", "/api/cutovers/" + id + "/events?limit=2&after=" + next).body();
            assertThat(page.path("total").asLong()).isEqualTo(events.size());
            page.path("events").forEach(event -> paged.add(event.path("id").asLong()));
            next = page.path("next").isNull() || page.path("next").isMissingNode() ? null : page.path("next").asLong();
        }
        assertThat(paged).containsExactlyElementsOf(apiEvents.keySet());
    }

    @Test
    void approvalEvidenceKeepsTextBeyondAsciiAndLatin1() throws SQLException {
        String comment = "go ✓ — Grüße aus Zürich, 東京 🚀";
        String id = api.post("operator", "/api/cutovers", CREATE_WALKTHROUGH).body().path("id").asString();
        api.post("operator", "/api/cutovers/" + id + "/phases/prepare/start", null);
        api.awaitCutover(id, c -> "READY".equals(c.path("state").asString())
                && "SUCCEEDED".equals(Api.stepState(c, "write-marker")), 30);
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/go/start", null).status()).isEqualTo(202);
        api.awaitState(id, "AWAITING_APPROVAL");

        Api.Answer approved = api.post("approver", "/api/cutovers/" + id + "/steps/go-no-go/approve",
                JSON.writeValueAsString(Map.of("comment", comment,
                        "checkedItems", List.of("snapshot taken", "TTL is 60 s"))));
        assertThat(approved.status()).as(approved.text()).isEqualTo(200);
        api.awaitState(id, "COMPLETED");

        JsonNode events = api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").body().path("events");
        JsonNode approval = event(events, "approve", "succeeded", "go-no-go");
        assertThat(approval.path("actor").asString()).isEqualTo("approver");
        assertThat(approval.path("evidence").path("comment").asString()).isEqualTo(comment);
        assertThat(approval.path("evidence").path("checkedItems").toString())
                .isEqualTo("[\"snapshot taken\",\"TTL is 60 s\"]");
        try (Connection connection = database.open()) {
            List<String> stored = strings(connection, "SELECT evidence FROM cutover_event WHERE cutover_id = ? "
                    + "AND action = 'approve'", id);
            assertThat(stored).hasSize(1);
            assertThat(JSON.readTree(stored.get(0)).path("comment").asString()).isEqualTo(comment);
        }
    }

    @Test
    void idempotencyKeyReplaysTheFirstAnswer() throws Exception {
        String key = "mysql-profile-" + UUID.randomUUID();
        int cutoversBefore = api.get("viewer", "/api/cutovers").body().size();
        Instant before = Instant.now();
        Api.Answer first = api.post("operator", "/api/cutovers", CREATE_WALKTHROUGH, key);
        Api.Answer second = api.post("operator", "/api/cutovers", CREATE_WALKTHROUGH, key);
        Instant after = Instant.now();

        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(first.replayed()).isFalse();
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.replayed()).isTrue();
        String id = first.body().path("id").asString();
        assertThat(second.body().path("id").asString()).isEqualTo(id);
        assertThat(second.location()).isEqualTo(first.location()).isEqualTo("/api/cutovers/" + id);
        assertThat(second.text()).isEqualTo(first.text());

        HttpResponse<String> raw = api.client().send(api.request("operator", "/api/cutovers")
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(CREATE_WALKTHROUGH)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(raw.headers().firstValue("Idempotent-Replayed")).hasValue("true");

        assertThat(api.get("viewer", "/api/cutovers").body().size())
                .as("one cutover for three requests with one key").isEqualTo(cutoversBefore + 1);
        try (Connection connection = database.open();
                PreparedStatement query = connection.prepareStatement("""
                        SELECT status, location, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%fZ') AS wall_clock
                        FROM idempotent_request WHERE idempotency_key = ? AND principal = 'operator'""")) {
            query.setString(1, key);
            try (ResultSet rs = query.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt("status")).isEqualTo(201);
                assertThat(rs.getString("location")).isEqualTo("/api/cutovers/" + id);
                assertNear(Instant.parse(rs.getString("wall_clock")), before, after);
                assertThat(rs.next()).isFalse();
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private List<String> awaitEvents(String id, Predicate<List<String>> condition) {
        long deadline = System.currentTimeMillis() + 10_000;
        List<String> story;
        do {
            story = new ArrayList<>();
            for (JsonNode event : api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").body()
                    .path("events")) {
                story.add(event.path("actor").asString() + " " + event.path("action").asString() + " "
                        + event.path("outcome").asString() + " " + event.path("stepId").asString(""));
            }
            if (condition.test(story)) {
                return story;
            }
            Api.sleep(100);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("events of " + id + " never got there: " + story);
    }

    private static String awaitString(Connection connection, String sql, long param, String expected)
            throws SQLException {
        long deadline = System.currentTimeMillis() + 10_000;
        String last;
        do {
            try (PreparedStatement query = connection.prepareStatement(sql)) {
                query.setLong(1, param);
                try (ResultSet rs = query.executeQuery()) {
                    last = rs.next() ? rs.getString(1) : null;
                }
            }
            if (expected.equals(last)) {
                return last;
            }
            Api.sleep(100);
        } while (System.currentTimeMillis() < deadline);
        return last;
    }

    private static List<String> strings(Connection connection, String sql, String... params) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                query.setString(i + 1, params[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        }
    }

    private static Instant instant(JsonNode node) {
        assertThat(node.isString()).as("an ISO-8601 instant: %s", node).isTrue();
        return Instant.parse(node.asString());
    }

    private static void assertNear(Instant actual, Instant before, Instant after) {
        assertThat(actual).as("%s lies between %s and %s (UTC); a time-zone slip would be hours off",
                actual, before, after)
                .isBetween(before.minus(CLOCK_SLACK), after.plus(CLOCK_SLACK));
    }

    private static JsonNode event(JsonNode events, String action, String outcome, String stepId) {
        for (JsonNode event : events) {
            if (action.equals(event.path("action").asString()) && outcome.equals(event.path("outcome").asString())
                    && (stepId == null || stepId.equals(event.path("stepId").asString()))) {
                return event;
            }
        }
        throw new AssertionError("no event " + action + " " + outcome + " " + stepId + " in " + events);
    }


    /** Every migration shipped for MySQL, as "version:1" (applied successfully), in version order. */
    private static List<String> shippedMigrations() throws java.io.IOException {
        return java.util.Arrays.stream(new org.springframework.core.io.support.PathMatchingResourcePatternResolver()
                        .getResources("classpath:db/migration/mysql/V*__*.sql"))
                .map(resource -> resource.getFilename().substring(1, resource.getFilename().indexOf("__")))
                .sorted(java.util.Comparator.comparingInt(Integer::parseInt))
                .map(version -> version + ":1")
                .toList();
    }
}
