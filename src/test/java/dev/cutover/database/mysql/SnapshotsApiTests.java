package dev.cutover.database.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.storage.Crc32c;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * As a new user would: a rehearsal whose phase takes a {@code mysql-snapshot} of a database of its own
 * on the test stack's MariaDB source into a {@code filesystem} store, then
 * {@code GET /api/cutovers/{id}/snapshots} lists it with its location, size, CRC32C, position and a
 * passed restore check. The dump account's password comes from a secret file and shows nowhere.
 */
class SnapshotsApiTests extends ServiceTest {

    private static final ReplicationPair PAIR = new ReplicationPair();
    private static final String USER = "cutover_snap_api";
    private static final String PASSWORD = "Api-" + UUID.randomUUID().toString().substring(0, 8) + "-pw";
    private String database;

    @BeforeEach
    void databaseAndAccount() throws SQLException {
        database = "snapshot_api_" + UUID.randomUUID().toString().substring(0, 8);
        PAIR.execute("source", "CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
        PAIR.execute("source", "ALTER USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
        PAIR.execute("source", "GRANT SELECT, RELOAD, LOCK TABLES, SHOW VIEW, TRIGGER, REPLICATION CLIENT ON *.* TO '"
                + USER + "'@'%'");
        PAIR.execute("source", "GRANT ALL ON `cutover\\_restore\\_%`.* TO '" + USER + "'@'%'");
        PAIR.execute("source", "CREATE DATABASE " + database);
        PAIR.execute("source", "CREATE TABLE " + database + ".items (id INT PRIMARY KEY, name VARCHAR(50))");
        PAIR.execute("source", "INSERT INTO " + database + ".items VALUES (1, 'one'), (2, 'two'), (3, NULL)");
    }

    @AfterEach
    void drop() throws SQLException {
        PAIR.execute("source", "DROP DATABASE IF EXISTS " + database);
    }

    @Test
    void aRehearsalTakesARestoreCheckedSnapshotAndTheApiListsIt() throws Exception {
        Files.writeString(RUNBOOKS.work().resolve("snap-password"), PASSWORD);
        Path root = Files.createDirectories(RUNBOOKS.work().resolve("snapshot-store"));
        String url = PAIR.settings("source").get("url");
        addRunbook("snapshot-api.yaml", """
                name: snapshot-api
                description: a fallback snapshot of one database into a directory
                environments:
                  local:
                    connections:
                      orders-source: { type: mysql, url: "%s", user: %s, password: "${file:@WORK@/snap-password}" }
                      fallback: { type: filesystem, root: "%s" }
                phases:
                  - name: cutover
                    steps:
                      - id: snapshot-orders
                        type: mysql-snapshot
                        with: { source: orders-source, databases: [%s], store: fallback, bucket: snapshots }
                """.formatted(url, USER, root, database));
        String id = createCutover("snapshot-api");

        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/cutover/start", null).status()).isEqualTo(202);
        JsonNode done = api.awaitCutover(id, c -> !c.path("state").asString().equals("RUNNING"), 60);
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("COMPLETED");

        Api.Answer listed = api.get("viewer", "/api/cutovers/" + id + "/snapshots");
        assertThat(listed.status()).isEqualTo(200);
        JsonNode snapshot = listed.body().path("snapshots").get(0);
        assertThat(snapshot.path("stepId").asString()).isEqualTo("snapshot-orders");
        assertThat(snapshot.path("kind").asString()).isEqualTo("mysql");
        assertThat(snapshot.path("key").asString()).startsWith("snapshots/" + id + "/orders-source/snapshot-orders-");
        assertThat(snapshot.path("location").asString()).startsWith("fallback:snapshots/snapshots/" + id + "/");
        assertThat(snapshot.path("restoreCheck").asString()).isEqualTo("passed");
        assertThat(snapshot.path("restoreDetail").asString()).contains("1 tables, 3 rows");
        assertThat(snapshot.path("position").asString()).startsWith("gtid ");
        Path file = root.resolve("snapshots").resolve(snapshot.path("key").asString());
        byte[] stored = Files.readAllBytes(file);
        assertThat(snapshot.path("sizeBytes").asLong()).isEqualTo(stored.length);
        assertThat(snapshot.path("crc32c").asString()).isEqualTo(Crc32c.of(stored));

        String story = api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").text() + api.get("viewer",
                "/api/cutovers/" + id).text() + listed.text();
        assertThat(story).contains("restore check passed").doesNotContain(PASSWORD);

        assertThat(api.get("viewer", "/api/cutovers/no-such-cutover/snapshots").status()).isEqualTo(404);
        assertThat(api.get(null, "/api/cutovers/" + id + "/snapshots").status()).isEqualTo(401);
    }

    @Test
    void aSnapshotStepWithMistakesIsRefusedAtValidationNamingEachField() {
        String runbook = """
                name: snapshot-mistakes
                environments:
                  local:
                    connections:
                      orders-source: { type: mysql, url: "jdbc:mysql://127.0.0.1:1/x", user: u }
                      fallback: { type: filesystem, root: /tmp }
                phases:
                  - name: cutover
                    steps:
                      - id: snapshot-orders
                        type: mysql-snapshot
                        with: WITH
                """;
        Api.Answer unknown = api.postYaml("viewer", "/api/runbooks/validate", runbook.replace("WITH",
                "{ source: orders-source, databases: [orders], store: no-such-store, bucket: b, verfy: true }"));
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.body().path("errors").toString()).contains("phases[0].steps[0].with.store")
                .contains("no-such-store").contains("phases[0].steps[0].with.verfy").contains("did you mean 'verify'?");

        Api.Answer empty = api.postYaml("viewer", "/api/runbooks/validate", runbook.replace("WITH",
                "{ source: orders-source, databases: [], store: fallback, bucket: \"\" }"));
        assertThat(empty.status()).isEqualTo(422);
        assertThat(empty.body().path("errors").toString()).contains("phases[0].steps[0].with.databases")
                .contains("at least one database").contains("phases[0].steps[0].with.bucket");
    }
}
