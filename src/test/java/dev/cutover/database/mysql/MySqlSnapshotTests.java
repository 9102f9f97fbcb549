package dev.cutover.database.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.step.Snapshot;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.storage.Crc32c;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStores;
import dev.cutover.storage.PutOptions;
import dev.cutover.testpeers.TestPeers;
import dev.cutover.testsupport.RecordingStepContext;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code mysql-snapshot} against the test stack's real MariaDB source (MySQL 8.4 where Docker runs)
 * and S3Mock, and a filesystem store: each test dumps a database of its own and restores it into
 * scratch databases on the source (they replicate to the replica and are dropped again), never
 * touching {@code cutover_test} or replication. The dump runs as an account of its own whose
 * password is unlike every other string around, so "it never appears" means something.
 */
class MySqlSnapshotTests {

    private static final ReplicationPair PAIR = new ReplicationPair();
    private static final String USER = "cutover_snap";
    private static final String PASSWORD = "Sn4p-" + UUID.randomUUID().toString().substring(0, 8) + "-pw";
    private static AnnotationConfigApplicationContext spring;
    private static ObjectStores stores;

    private final MySqlSnapshotStepType step = new MySqlSnapshotStepType(stores);
    private String database;

    @BeforeAll
    static void storesAndAccount() throws SQLException {
        spring = new AnnotationConfigApplicationContext();
        spring.scan("dev.cutover.storage.s3", "dev.cutover.storage.filesystem");
        spring.register(ObjectStores.class);
        spring.refresh();
        stores = spring.getBean(ObjectStores.class);
        PAIR.execute("source", "CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
        PAIR.execute("source", "ALTER USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
        PAIR.execute("source", "GRANT SELECT, RELOAD, LOCK TABLES, SHOW VIEW, TRIGGER, REPLICATION CLIENT ON *.* TO '"
                + USER + "'@'%'");
        PAIR.execute("source", "GRANT ALL ON `cutover\\_restore\\_%`.* TO '" + USER + "'@'%'");
    }

    @AfterAll
    static void close() {
        spring.close();
    }

    @BeforeEach
    void database() throws SQLException {
        database = "snapshot_test_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection source = PAIR.admin("source"); Statement statement = source.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
            statement.execute("CREATE TABLE " + database + ".orders (id INT PRIMARY KEY, note VARCHAR(100), "
                    + "amount DECIMAL(10,2), created DATETIME(3), payload BLOB)");
            statement.execute("CREATE TABLE " + database + ".empty_one (id INT PRIMARY KEY)");
            StringBuilder insert = new StringBuilder("INSERT INTO " + database + ".orders VALUES ");
            for (int i = 1; i <= 2000; i++) {
                insert.append(i == 1 ? "" : ",").append("(").append(i).append(", ")
                        .append(i % 10 == 0 ? "NULL" : "'note-" + i + " ''quoted'' ü'").append(", ").append(i * 1.25)
                        .append(", '2026-12-02 12:00:00.123', ").append(i % 7 == 0 ? "NULL" : "x'00ff0a0d" + Integer.toHexString(i + 4096) + "'")
                        .append(")");
            }
            statement.execute(insert.toString());
        }
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        PAIR.execute("source", "DROP DATABASE IF EXISTS " + database);
    }

    @Test
    void aSnapshotStreamedToS3HasItsSizeChecksumAndPositionAndRestoresWithEqualRowHashes() throws Exception {
        String bucket = createBucket();
        RecordingStepContext context = context(Map.of("type", "s3", "endpoint", TestPeers.s3Endpoint().toString(),
                "pathStyle", "true", "region", "us-east-1", "accessKeyId", "test", "secretAccessKey", "test",
                "multipartThresholdMiB", "5", "partSizeMiB", "5"), bucket);
        Set<String> childArguments = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (running.get()) {
                ProcessHandle.current().descendants().forEach(child -> child.info().commandLine()
                        .ifPresent(childArguments::add));
                Thread.onSpinWait();
            }
        });
        watcher.start();
        StepOutcome outcome;
        try {
            outcome = step.execute(context);
        } finally {
            running.set(false);
            watcher.join();
        }

        Map<String, Object> evidence = outcome.evidence();
        String key = (String) evidence.get("key");
        assertThat(key).startsWith("snapshots/c-test/source/test-step-").endsWith(".sql");
        assertThat((String) evidence.get("position")).matches("gtid \\d+-\\d+-\\d+.*|gtid [0-9a-f-]+:.*");
        try (ObjectStore store = stores.open(context.connection("store"), bucket, "")) {
            byte[] object;
            try (InputStream in = store.open(key, null, null)) {
                object = in.readAllBytes();
            }
            assertThat((long) object.length).isEqualTo(evidence.get("size"));
            assertThat(Crc32c.of(object)).isEqualTo(evidence.get("crc32c"));
            assertThat(store.stat(key).orElseThrow().crc32c()).isEqualTo(evidence.get("crc32c"));
            assertThat(new String(object, StandardCharsets.UTF_8)).contains("USE `" + database + "`;")
                    .contains("-- Dump completed");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> restore = (Map<String, Object>) evidence.get("restoreCheck");
        assertThat(restore).containsEntry("passed", true).containsEntry("tables", 2L).containsEntry("rows", 2000L);
        assertThat(outcome.summary()).contains("restore check passed");
        assertThat(scratchDatabasesLeft()).isEmpty();

        Snapshot recorded = context.snapshots().get(0);
        assertThat(recorded.restoreCheck()).isEqualTo(Snapshot.RestoreCheck.PASSED);
        assertThat(recorded.key()).isEqualTo(key);
        assertThat(recorded.size()).isEqualTo(evidence.get("size"));
        assertThat(recorded.crc32c()).isEqualTo(evidence.get("crc32c"));

        assertThat(childArguments).as("the dump tool and client were seen running")
                .anyMatch(line -> line.contains("--single-transaction")).anyMatch(line -> line.contains("--batch"));
        assertThat(childArguments).noneMatch(line -> line.contains(PASSWORD));
        assertThat(evidence.toString() + outcome.summary() + context.progress() + recorded).doesNotContain(PASSWORD);
    }

    @Test
    void aSnapshotToAFilesystemStoreRestoresToo(@TempDir Path root) throws Exception {
        RecordingStepContext context = context(Map.of("type", "filesystem", "root", root.toString()), "snapshots");
        StepOutcome outcome = step.execute(context);
        Path file = root.resolve("snapshots").resolve((String) outcome.evidence().get("key"));
        assertThat(Files.size(file)).isEqualTo(outcome.evidence().get("size"));
        assertThat(Crc32c.of(Files.readAllBytes(file))).isEqualTo(outcome.evidence().get("crc32c"));
        assertThat(context.snapshots()).singleElement()
                .satisfies(s -> assertThat(s.restoreCheck()).isEqualTo(Snapshot.RestoreCheck.PASSED));
    }

    @Test
    void aSnapshotCorruptedInTheBucketFailsItsRestoreCheckSayingSo() throws Exception {
        String bucket = createBucket();
        RecordingStepContext context = context(Map.of("type", "s3", "endpoint", TestPeers.s3Endpoint().toString(),
                "pathStyle", "true", "region", "us-east-1", "accessKeyId", "test", "secretAccessKey", "test"), bucket)
                .with("verify", "false");
        StepOutcome outcome = step.execute(context);
        assertThat(outcome.evidence()).containsEntry("restoreCheck", "not run");
        assertThat(context.snapshots()).singleElement()
                .satisfies(s -> assertThat(s.restoreCheck()).isEqualTo(Snapshot.RestoreCheck.NOT_RUN));
        String key = (String) outcome.evidence().get("key");
        try (ObjectStore store = stores.open(context.connection("store"), bucket, "");
             MySqlServer source = PAIR.server("source")) {
            byte[] object;
            try (InputStream in = store.open(key, null, null)) {
                object = in.readAllBytes();
            }
            String text = new String(object, StandardCharsets.ISO_8859_1);
            int at = text.indexOf("note-1501");
            assertThat(at).isPositive();
            object[at + 5] = (byte) '9'; // one byte flipped: a row reads note-9501 now
            store.put(key, new java.io.ByteArrayInputStream(object), object.length, new PutOptions(null, null, null));

            MySqlRestoreCheck.Result check = MySqlRestoreCheck.run(source, source, DumpTool.of(source.flavor()),
                    List.of(database), store, key, (String) outcome.evidence().get("crc32c"), false);

            assertThat(check.passed()).isFalse();
            assertThat(check.detail()).contains("the object read back has CRC32C")
                    .contains(outcome.evidence().get("crc32c") + " was recorded when the snapshot was taken")
                    .contains("changed or corrupted in the store");
        }
        assertThat(scratchDatabasesLeft()).isEmpty();
    }

    /**
     * A store whose download ends early without an error (a peer that closed an idle connection during a
     * long restore; seen with S3Mock in bench/snapshot.sh): the check must resume where it stopped, not
     * feed a cut statement to the client and blame the snapshot.
     */
    @Test
    void aDownloadThatEndsEarlyIsResumedAndTheRestoreCheckStillPasses(@TempDir Path root) throws Exception {
        RecordingStepContext context = context(Map.of("type", "filesystem", "root", root.toString()), "snapshots")
                .with("verify", "false");
        StepOutcome outcome = step.execute(context);
        String key = (String) outcome.evidence().get("key");
        long size = (Long) outcome.evidence().get("size");
        AtomicBoolean cutOnce = new AtomicBoolean();
        try (ObjectStore files = stores.open(context.connection("store"), "snapshots", "");
             ObjectStore flaky = new dev.cutover.storage.ForwardingObjectStore(files) {
                 @Override
                 public InputStream open(String name, dev.cutover.storage.ByteRange range, String generation) {
                     InputStream whole = super.open(name, range, generation);
                     if (cutOnce.getAndSet(true)) {
                         return whole;
                     }
                     return new java.io.FilterInputStream(whole) {
                         private long given;

                         @Override
                         public int read(byte[] b, int off, int len) throws java.io.IOException {
                             if (given >= size / 2) {
                                 return -1; // the connection went away: an early, silent end
                             }
                             int n = super.read(b, off, (int) Math.min(len, size / 2 - given));
                             given += Math.max(n, 0);
                             return n;
                         }
                     };
                 }
             };
             MySqlServer source = PAIR.server("source")) {
            MySqlRestoreCheck.Result check = MySqlRestoreCheck.run(source, source, DumpTool.of(source.flavor()),
                    List.of(database), flaky, key, (String) outcome.evidence().get("crc32c"), false);
            assertThat(check.detail()).contains("2 tables, 2000 rows restored");
            assertThat(check.passed()).isTrue();
        }
        assertThat(cutOnce).isTrue();
    }

    @Test
    void theDumpCommandCarriesNoPassword() {
        MySqlSettings settings = MySqlSettings.of("source", name -> java.util.Optional.ofNullable(Map.of(
                "url", "jdbc:mysql://db.example:3306/x", "user", "u", "password", PASSWORD).get(name)));
        for (DumpTool tool : List.of(new DumpTool(true), new DumpTool(false))) {
            assertThat(String.join(" ", tool.dumpCommand(settings, List.of("orders")))).doesNotContain(PASSWORD)
                    .contains("--single-transaction");
            assertThat(String.join(" ", tool.clientCommand(settings, true))).doesNotContain(PASSWORD);
        }
    }

    @Test
    void aDatabaseThatDoesNotExistFailsTheStepWithTheToolsMessageAndStoresNothing(@TempDir Path root) {
        RecordingStepContext context = context(Map.of("type", "filesystem", "root", root.toString()), "snapshots")
                .with("databases", List.of("no_such_database_here"));
        assertThatThrownBy(() -> step.execute(context)).isInstanceOf(StepFailedException.class)
                .hasMessageContaining("no_such_database_here")
                .hasMessageContaining("exit code")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD));
        assertThat(context.snapshots()).isEmpty();
    }

    private RecordingStepContext context(Map<String, String> store, String bucket) {
        Map<String, String> storeSettings = new LinkedHashMap<>(store);
        String type = storeSettings.remove("type");
        Map<String, String> source = new LinkedHashMap<>(PAIR.settings("source"));
        source.put("user", USER);
        source.put("password", "${env:SNAP_PASSWORD}");
        Map<String, Object> with = new LinkedHashMap<>();
        with.put("source", "source");
        with.put("databases", List.of(database));
        with.put("store", "store");
        with.put("bucket", bucket);
        return new RecordingStepContext(with).secret("SNAP_PASSWORD", PASSWORD)
                .connection("source", "mysql", source).connection("store", type, storeSettings);
    }

    private List<String> scratchDatabasesLeft() throws SQLException {
        List<String> left = new ArrayList<>();
        try (Connection source = PAIR.admin("source"); Statement statement = source.createStatement();
             ResultSet rs = statement.executeQuery("SHOW DATABASES LIKE 'cutover\\_restore\\_%" + database + "'")) {
            while (rs.next()) {
                left.add(rs.getString(1));
            }
        }
        return left;
    }

    private static String createBucket() {
        String bucket = "snapshots-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client s3 = TestPeers.s3Client()) {
            s3.createBucket(r -> r.bucket(bucket));
        }
        return bucket;
    }
}
