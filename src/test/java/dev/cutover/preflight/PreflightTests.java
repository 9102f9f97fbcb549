package dev.cutover.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.database.mongo.StubReplicaSet;
import dev.cutover.storage.gcs.FakeGcsServer;
import dev.cutover.testpeers.TestPeers;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * Preflight over the API and as a step, against the real peers of the test stack (MariaDB pair,
 * S3Mock, BIND), the GCS fake and the MongoDB stub. Only creates and drops MariaDB users: the
 * pair's replication is left alone.
 */
class PreflightTests extends ServiceTest {

    private static final String LACKING = "pf_nomon";
    private static final String LACKING_PASSWORD = "pf-Secret-4711";

    @TempDir
    Path temp;

    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable closeable : closeAfter) {
            closeable.close();
        }
        try (Connection admin = TestPeers.mariaDb().openSource(); Statement statement = admin.createStatement()) {
            for (String host : List.of("%", "localhost", "127.0.0.1")) {
                statement.execute("DROP USER IF EXISTS '" + LACKING + "'@'" + host + "'");
            }
        }
    }

    // ---- MariaDB ----------------------------------------------------------------------------------

    @Test
    void aMariaDbUserLackingBinlogMonitorIsNamedWithTheGrantThatFixesIt() throws Exception {
        TestPeers.MySqlPair pair = TestPeers.mariaDb();
        createUser("SLAVE MONITOR, READ_ONLY ADMIN, CONNECTION ADMIN, PROCESS, REPLICATION SLAVE ADMIN, SELECT");
        Path password = Files.writeString(temp.resolve("mysql.password"), LACKING_PASSWORD + "\n");
        addRunbook("preflight-mysql.yaml", """
                name: preflight-mysql
                description: a lag gate and a read-only freeze on the test pair
                environments:
                  local:
                    connections:
                      mysql-source:  { type: mysql, url: "%s", user: %s, password: "${file:%s}",
                                       replicationUser: replicator, replicationPassword: replicator }
                      mysql-replica: { type: mysql, url: "%s", user: %s, password: %s }
                phases:
                  - name: prepare
                    steps:
                      - id: caught-up
                        type: mysql-lag-gate
                        owner: dba
                        timeout: 1m
                        with: { replica: mysql-replica, source: mysql-source }
                      - id: freeze
                        type: write-freeze
                        owner: dba
                        timeout: 1m
                        with: { connection: mysql-source, strategy: read-only, endSessionsOf: [cutover_app] }
                """.formatted(pair.sourceUrl(), LACKING, password, pair.replicaUrl(), pair.user(), pair.password()));

        Api.Answer answer = api.post("operator", "/api/runbooks/preflight-mysql/preflight?environment=local", "");

        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        assertThat(answer.text()).doesNotContain(LACKING_PASSWORD);
        List<JsonNode> failed = rows(answer.body(), "failed");
        assertThat(failed).as(answer.text()).hasSize(1);
        JsonNode missing = failed.get(0);
        assertThat(missing.path("check").asString()).isEqualTo("privilege BINLOG MONITOR");
        assertThat(missing.path("connection").asString()).isEqualTo("mysql-source");
        assertThat(missing.path("hint").asString()).startsWith("GRANT BINLOG MONITOR ON *.* TO '" + LACKING + "'@")
                .endsWith(" on mysql-source");
        assertThat(missing.path("detail").asString()).contains("caught-up", "freeze");
        assertThat(row(answer.body(), "privilege READ_ONLY ADMIN", "mysql-source").path("status").asString()).isEqualTo("ok");
        assertThat(row(answer.body(), "privilege CONNECTION ADMIN", "mysql-source").path("status").asString()).isEqualTo("ok");
        assertThat(row(answer.body(), "replica threads", "mysql-replica").path("status").asString()).isEqualTo("ok");
        assertThat(row(answer.body(), "server_id distinct", "mysql-replica").path("status").asString()).isEqualTo("ok");
        assertThat(row(answer.body(), "replication user", "mysql-source").path("status").asString()).isEqualTo("ok");

        String id = answer.body().path("id").asString();
        Api.Answer stored = api.get("viewer", "/api/runbooks/preflight-mysql/preflight/" + id);
        assertThat(stored.status()).isEqualTo(200);
        assertThat(stored.body().path("failed").asInt()).isEqualTo(1);

        grant("BINLOG MONITOR");
        Api.Answer complete = api.post("operator", "/api/runbooks/preflight-mysql/preflight?environment=local", "");
        assertThat(rows(complete.body(), "failed")).as(complete.text()).isEmpty();
        assertThat(row(complete.body(), "privilege BINLOG MONITOR", "mysql-source").path("status").asString()).isEqualTo("ok");
    }

    private static void createUser(String privileges) throws Exception {
        try (Connection admin = TestPeers.mariaDb().openSource(); Statement statement = admin.createStatement()) {
            for (String host : List.of("%", "localhost", "127.0.0.1")) {
                statement.execute("DROP USER IF EXISTS '" + LACKING + "'@'" + host + "'");
                statement.execute("CREATE USER '" + LACKING + "'@'" + host + "' IDENTIFIED BY '" + LACKING_PASSWORD + "'");
                statement.execute("GRANT " + privileges + " ON *.* TO '" + LACKING + "'@'" + host + "'");
            }
        }
    }

    private static void grant(String privileges) throws Exception {
        try (Connection admin = TestPeers.mariaDb().openSource(); Statement statement = admin.createStatement()) {
            for (String host : List.of("%", "localhost", "127.0.0.1")) {
                statement.execute("GRANT " + privileges + " ON *.* TO '" + LACKING + "'@'" + host + "'");
            }
        }
    }

    // ---- S3Mock and the GCS fake -------------------------------------------------------------------

    @Test
    void aMissingS3BucketFailsWithAHintAndAnExistingOneTakesTheProbeAndLosesItAgain() throws Exception {
        Path root = Files.createDirectories(temp.resolve("fs"));
        Files.createDirectories(root.resolve("assets"));
        Files.writeString(root.resolve("assets/a.txt"), "a");
        String existing = "pf-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client s3 = s3()) {
            s3.createBucket(b -> b.bucket(existing));
        }
        addRunbook("preflight-s3.yaml", storageRunbook("preflight-s3", "{ type: filesystem, root: \"" + root + "\" }",
                "assets", s3Connection(), "pf-missing-bucket", existing));

        // A longer timeout than the 5 s default: the first S3 client of the JVM loads the SDK, slow on a busy machine.
        JsonNode table = api.post("operator", "/api/runbooks/preflight-s3/preflight?environment=local&timeout=20s", "").body();

        JsonNode missing = row(table, "bucket listable", "target", "sync-missing");
        assertThat(missing.path("status").asString()).as(table.toString()).isEqualTo("failed");
        assertThat(missing.path("detail").asString()).contains("pf-missing-bucket", "no such bucket");
        assertThat(missing.path("hint").asString()).contains("bucket");
        JsonNode probe = row(table, "put/head/delete probe", "target", "sync-existing");
        assertThat(probe.path("status").asString()).as(table.toString()).isEqualTo("ok");
        assertThat(row(table, "bucket listable", "source", "sync-existing").path("status").asString()).isEqualTo("ok");
        try (S3Client s3 = s3()) {
            assertThat(s3.listObjectsV2(r -> r.bucket(existing).prefix(".cutover-preflight/")).contents()).isEmpty();
        }
    }

    @Test
    void theGcsFakeBucketIsListedAndReadAndAMissingOneFails() throws Exception {
        FakeGcsServer gcs = new FakeGcsServer().start();
        closeAfter.add(gcs);
        gcs.createBucket("pf-assets");
        gcs.put("pf-assets", "img/1.jpg", "jpeg".getBytes(StandardCharsets.UTF_8), Map.of());
        Path root = Files.createDirectories(temp.resolve("target"));
        Files.createDirectories(root.resolve("out"));
        addRunbook("preflight-gcs.yaml", storageRunbook("preflight-gcs", "{ type: gcs, endpoint: \"" + gcs.endpoint()
                + "\", project: preflight }", "pf-assets", "{ type: filesystem, root: \"" + root + "\" }", "out", "out")
                .replaceFirst("sourceBucket: pf-assets, target: target, targetBucket: out,",
                        "sourceBucket: pf-gone, target: target, targetBucket: out,"));

        JsonNode table = api.post("operator", "/api/runbooks/preflight-gcs/preflight?environment=local&timeout=20s", "").body();

        List<JsonNode> sourceRows = rowsOf(table, "source");
        assertThat(sourceRows).as(table.toString()).isNotEmpty();
        JsonNode gone = sourceRows.stream().filter(r -> r.path("detail").asString().contains("pf-gone")).findFirst().orElseThrow();
        assertThat(gone.path("status").asString()).isEqualTo("failed");
        assertThat(row(table, "object readable", "source", "sync-existing").path("status").asString()).isEqualTo("ok");
        assertThat(row(table, "bucket listable", "source", "sync-existing").path("status").asString()).isEqualTo("ok");
        assertThat(row(table, "put/head/delete probe", "target", "sync-existing").path("status").asString()).isEqualTo("ok");
    }

    /** Two syncs from one source connection to one target connection: the first with the given buckets, the second with the others. */
    private static String storageRunbook(String name, String source, String sourceBucket, String target,
                                         String missingTarget, String existingTarget) {
        return """
                name: %s
                description: two syncs
                environments:
                  local:
                    connections:
                      source: %s
                      target: %s
                phases:
                  - name: copy
                    steps:
                      - id: sync-missing
                        type: storage-sync
                        owner: devops
                        timeout: 1m
                        with: { source: source, sourceBucket: %s, target: target, targetBucket: %s, mode: full }
                      - id: sync-existing
                        type: storage-sync
                        owner: devops
                        timeout: 1m
                        with: { source: source, sourceBucket: %s, target: target, targetBucket: %s, mode: full }
                """.formatted(name, source, target, sourceBucket, missingTarget, sourceBucket, existingTarget);
    }

    private static String s3Connection() {
        return "{ type: s3, endpoint: \"" + TestPeers.s3Endpoint() + "\", pathStyle: true, region: us-east-1, "
                + "accessKeyId: preflight, secretAccessKey: preflight }";
    }

    private static S3Client s3() {
        return S3Client.builder().endpointOverride(TestPeers.s3Endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("preflight", "preflight")))
                .build();
    }

    // ---- BIND ---------------------------------------------------------------------------------------

    @Test
    void aWrongTsigKeyIsNamedAndTheRightOneIsAcceptedWithoutChangingTheZone() throws Exception {
        TestPeers.DnsServer dns = TestPeers.dnsServer();
        String wrong = Base64.getEncoder().encodeToString("not the key of the zone, 32 bytes".getBytes(StandardCharsets.UTF_8));
        addRunbook("preflight-dns.yaml", dnsRunbook("preflight-dns-wrong", dns, wrong));
        addRunbook("preflight-dns-right.yaml", dnsRunbook("preflight-dns-right", dns, dns.tsigSecret()));

        JsonNode refused = api.post("operator", "/api/runbooks/preflight-dns-wrong/preflight?environment=local", "").body();
        JsonNode key = row(refused, "TSIG key accepted", "zone");
        assertThat(key.path("status").asString()).as(refused.toString()).isEqualTo("failed");
        assertThat(key.path("detail").asString()).contains(dns.tsigName());
        assertThat(key.path("hint").asString()).contains("tsigSecret");
        assertThat(refused.toString()).doesNotContain(wrong);

        long before = serial(dns);
        JsonNode accepted = api.post("operator", "/api/runbooks/preflight-dns-right/preflight?environment=local", "").body();
        assertThat(row(accepted, "TSIG key accepted", "zone").path("status").asString()).as(accepted.toString()).isEqualTo("ok");
        assertThat(row(accepted, "TSIG key accepted", "zone").path("detail").asString()).contains("unchanged");
        assertThat(row(accepted, "record shop." + dns.zone() + " A", "zone").path("status").asString()).isEqualTo("ok");
        assertThat(serial(dns)).isEqualTo(before);
        assertThat(accepted.toString()).doesNotContain(dns.tsigSecret());
    }

    private static String dnsRunbook(String name, TestPeers.DnsServer dns, String secret) {
        return """
                name: %s
                description: lower a TTL
                environments:
                  local:
                    connections:
                      zone: { type: rfc2136, server: %s, port: "%d", zone: %s, tsigKeyName: %s, tsigAlgorithm: %s,
                              tsigSecret: "%s" }
                phases:
                  - name: dns
                    steps:
                      - id: lower-ttl
                        type: dns-ttl
                        owner: network
                        timeout: 1m
                        with: { connection: zone, record: shop, type: A, ttl: 60s }
                """.formatted(name, dns.host(), dns.port(), dns.zone(), dns.tsigName(), dns.tsigAlgorithm(), secret);
    }

    private static long serial(TestPeers.DnsServer dns) throws IOException {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(dns.host(), dns.port()));
        resolver.setTCP(true);
        Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(dns.zone()), Type.SOA, DClass.IN)));
        return answer.getSection(Section.ANSWER).stream().filter(SOARecord.class::isInstance)
                .map(r -> ((SOARecord) r).getSerial()).findFirst().orElseThrow();
    }

    // ---- MongoDB stub ------------------------------------------------------------------------------

    @Test
    void theMongoStubPassesAndAUserWithoutFsyncIsNamed() {
        StubReplicaSet mongo = StubReplicaSet.startOnPorts("rs0", 0, Map.of("cloud", "gcp"), Map.of("cloud", "gcp"),
                Map.of("cloud", "aws"));
        closeAfter.add(mongo);
        String target = mongo.hosts().get(2);
        addRunbook("preflight-mongo.yaml", """
                name: preflight-mongo
                description: freeze and promote
                environments:
                  local:
                    connections:
                      catalog: { type: mongo, uri: "%s" }
                phases:
                  - name: cutover
                    steps:
                      - id: freeze
                        type: write-freeze
                        owner: dba
                        timeout: 1m
                        with: { connection: catalog, strategy: fsync-lock }
                      - id: promote
                        type: mongo-promote
                        owner: dba
                        timeout: 1m
                        with: { connection: catalog, target: "%s" }
                """.formatted(mongo.uri(), target));

        JsonNode ok = api.post("operator", "/api/runbooks/preflight-mongo/preflight?environment=local", "").body();
        assertThat(rows(ok, "failed")).as(ok.toString()).isEmpty();
        assertThat(row(ok, "member " + target, "catalog").path("status").asString()).isEqualTo("ok");
        assertThat(row(ok, "action replSetConfigure", "catalog").path("status").asString()).isEqualTo("ok");

        mongo.grantClusterActions(List.of("replSetGetStatus", "replSetGetConfig", "replSetConfigure", "replSetStateChange"));
        JsonNode lacking = api.post("operator", "/api/runbooks/preflight-mongo/preflight?environment=local", "").body();
        assertThat(rows(lacking, "failed")).extracting(r -> r.path("check").asString())
                .containsExactlyInAnyOrder("action fsync", "action unlock");
        assertThat(row(lacking, "action fsync", "catalog").path("hint").asString()).contains("hostManager");
    }

    // ---- as a step ----------------------------------------------------------------------------------

    @Test
    void aPreflightStepFailsItsPhaseOnAFailedCheckAndPassesWithWarnings() throws Exception {
        FakeGcsServer gcs = new FakeGcsServer().start();
        closeAfter.add(gcs);
        gcs.createBucket("pf-logs");
        gcs.put("pf-logs", "1.log", "log".getBytes(StandardCharsets.UTF_8), Map.of());
        gcs.setLifecycleDeleteAfterDays("pf-logs", 7);
        Path root = Files.createDirectories(temp.resolve("step-target"));
        Files.createDirectories(root.resolve("out"));
        addRunbook("preflight-step.yaml", """
                name: preflight-step
                description: preflight first; the source's objects expire (a warning)
                environments:
                  local:
                    connections:
                      logs: { type: gcs, endpoint: "%s", project: preflight }
                      out: { type: filesystem, root: "%s" }
                phases:
                  - name: prepare
                    steps:
                      - id: preflight
                        type: preflight
                        owner: lead
                        timeout: 1m
                        with: { checkTimeout: 20s }
                      - id: sync
                        type: storage-sync
                        owner: devops
                        timeout: 1m
                        with: { source: logs, sourceBucket: pf-logs, target: out, targetBucket: out, mode: full }
                """.formatted(gcs.endpoint(), root));
        addRunbook("preflight-step-failing.yaml", """
                name: preflight-step-failing
                description: preflight first; the deploy script is missing
                environments:
                  local:
                    connections:
                      out: { type: filesystem, root: "%s" }
                phases:
                  - name: deploy
                    steps:
                      - id: preflight
                        type: preflight
                        owner: lead
                        timeout: 1m
                        with: { checkTimeout: 20s }
                      - id: deploy
                        type: command
                        owner: app
                        timeout: 1m
                        with: { run: "bash %s/missing-deploy.sh" }
                """.formatted(root, temp));

        String passing = createCutover("preflight-step");
        api.post("operator", "/api/cutovers/" + passing + "/phases/prepare/start", null);
        JsonNode prepared = api.awaitCutover(passing, c -> "SUCCEEDED".equals(Api.stepState(c, "sync"))
                || "FAILED".equals(Api.stepState(c, "preflight")), 90);
        assertThat(Api.stepState(prepared, "preflight")).as(event(passing, "preflight", null).toString()).isEqualTo("SUCCEEDED");
        JsonNode passed = event(passing, "preflight", "succeeded");
        assertThat(passed.path("message").asString()).contains("with warnings", "lifecycle rules readable on logs");
        assertThat(passed.path("evidence").path("table").size()).isGreaterThan(0);

        String failing = createCutover("preflight-step-failing");
        api.post("operator", "/api/cutovers/" + failing + "/phases/deploy/start", null);
        JsonNode failed = api.awaitCutover(failing, c -> "FAILED".equals(Api.stepState(c, "preflight")), 90);
        assertThat(Api.stepState(failed, "deploy")).isNotEqualTo("SUCCEEDED");
        assertThat(event(failing, "preflight", "failed").path("message").asString())
                .contains("command exists on step deploy", "missing-deploy.sh does not exist");
    }

    private JsonNode event(String cutoverId, String stepId, String outcome) {
        for (JsonNode event : api.get("viewer", "/api/cutovers/" + cutoverId + "/events?limit=500").body().path("events")) {
            if (stepId.equals(event.path("stepId").asString(""))
                    && (outcome == null ? !"started".equals(event.path("outcome").asString()) : outcome.equals(event.path("outcome").asString()))) {
                return event;
            }
        }
        throw new AssertionError("no event " + outcome + " of step " + stepId);
    }

    // ---- timeouts and errors ------------------------------------------------------------------------

    @Test
    void aServerThatNeverAnswersFailsItsCheckAndTheTableStillComesBackInTime() throws Exception {
        ServerSocket blackhole = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        closeAfter.add(blackhole);
        List<Socket> accepted = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(blackhole.accept()); // and never a byte back
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        addRunbook("preflight-blackhole.yaml", """
                name: preflight-blackhole
                description: a server that accepts and never answers
                environments:
                  local:
                    connections:
                      silent: { type: mysql, url: "jdbc:mysql://127.0.0.1:%d/db", user: cutover, password: cutover }
                phases:
                  - name: freeze
                    steps:
                      - id: freeze
                        type: write-freeze
                        owner: dba
                        timeout: 1m
                        with: { connection: silent, strategy: read-only }
                """.formatted(blackhole.getLocalPort()));

        long started = System.nanoTime();
        Api.Answer answer = api.post("operator", "/api/runbooks/preflight-blackhole/preflight?environment=local", "");
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(millis).isLessThan(7_000);
        JsonNode connects = row(answer.body(), "connects", "silent");
        assertThat(connects.path("status").asString()).isEqualTo("failed");
        assertThat(connects.path("detail").asString()).isEqualTo("no answer within 5s");
        assertThat(connects.path("latencyMs").asLong()).isBetween(4_900L, 7_000L);
    }

    @Test
    void anUnknownRunbookOrEnvironmentIsA404NamingWhatExistsAndAnUnsetSecretIsNamed() {
        Api.Answer runbook = api.post("operator", "/api/runbooks/no-such-runbook/preflight?environment=local", "");
        assertThat(runbook.status()).isEqualTo(404);
        assertThat(runbook.contentType()).contains("application/problem+json");
        assertThat(runbook.body().path("detail").asString()).contains("no-such-runbook", "the runbooks are:");

        addRunbook("preflight-secret.yaml", """
                name: preflight-secret
                description: a password from a variable nobody set
                environments:
                  local:
                    connections:
                      db: { type: mysql, url: "jdbc:mysql://127.0.0.1:1/db", user: cutover, password: "${env:PREFLIGHT_UNSET_PASSWORD}" }
                  staging:
                    connections:
                      db: { type: mysql, url: "jdbc:mysql://127.0.0.1:1/db", user: cutover, password: cutover }
                phases:
                  - name: freeze
                    steps:
                      - id: freeze
                        type: write-freeze
                        owner: dba
                        timeout: 1m
                        with: { connection: db, strategy: read-only }
                """);
        Api.Answer environment = api.post("operator", "/api/runbooks/preflight-secret/preflight?environment=prod", "");
        assertThat(environment.status()).isEqualTo(404);
        assertThat(environment.body().path("detail").asString()).contains("'prod'", "local, staging");
        assertThat(api.post("viewer", "/api/runbooks/preflight-secret/preflight?environment=local", "").status()).isEqualTo(403);

        JsonNode table = api.post("operator", "/api/runbooks/preflight-secret/preflight?environment=local", "").body();
        JsonNode secrets = row(table, "secrets resolve", "db");
        assertThat(secrets.path("status").asString()).isEqualTo("failed");
        assertThat(secrets.path("detail").asString()).contains("${env:PREFLIGHT_UNSET_PASSWORD}", "is not set");
    }

    // ---- reading the table --------------------------------------------------------------------------

    private static List<JsonNode> rows(JsonNode table, String status) {
        List<JsonNode> found = new ArrayList<>();
        table.path("rows").forEach(row -> {
            if (status.equals(row.path("status").asString())) {
                found.add(row);
            }
        });
        return found;
    }

    private static List<JsonNode> rowsOf(JsonNode table, String connection) {
        List<JsonNode> found = new ArrayList<>();
        table.path("rows").forEach(row -> {
            if (connection.equals(row.path("connection").asString())) {
                found.add(row);
            }
        });
        return found;
    }

    private static JsonNode row(JsonNode table, String check, String connection, String... steps) {
        for (JsonNode row : table.path("rows")) {
            boolean stepsMatch = steps.length == 0 || List.of(steps).stream().allMatch(step -> row.path("steps").toString()
                    .contains("\"" + step + "\""));
            if (check.equals(row.path("check").asString()) && connection.equals(row.path("connection").asString())
                    && stepsMatch) {
                return row;
            }
        }
        throw new AssertionError("no row '" + check + "' on " + connection + " " + List.of(steps) + " in " + table);
    }

}
