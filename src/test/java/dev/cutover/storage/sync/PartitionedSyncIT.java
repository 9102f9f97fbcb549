package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testpeers.TestPeers;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceProcess;
import dev.cutover.testsupport.net.DelayingProxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * A sync partitioned across processes on the test stack's MariaDB (profile {@code mysql}): a manager
 * that runs no partitions itself and two worker instances of the same jar. The target is S3Mock behind
 * a proxy that adds 20 ms to each request and counts the puts of each key. A final sync completes
 * across both workers, verifies clean, each object put once; kill -9 of a worker in the middle of its
 * partitions fails them once its lease ran out, and the phase's restart runs only those again, on the
 * other worker, from their checkpoints: verify clean, and no object put twice but those of the chunks
 * that were in flight; SIGTERM of a worker (a rolling restart) hands its partitions to the other between
 * objects and the phase completes without a restart. The three JVMs start once, in parallel (the killed
 * worker once more for the last case).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PartitionedSyncIT {

    private static final Map<String, String> PASSWORDS = Map.of("viewer", "viewer-pt-secret", "operator",
            "operator-pt-secret", "approver", "approver-pt-secret");
    /** Objects per mapping: the killed one has partitions long enough (several chunks) to be cut in the middle. */
    private static final Map<String, Integer> OBJECTS = Map.of("together", 400, "killed", 1200, "handed", 1200);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path root;

    private final String database = "cutover_pt_" + ProcessHandle.current().pid();
    private final String bucketPrefix = "pt-" + ProcessHandle.current().pid() + "-";
    private TestPeers.MySqlPair mariaDb;
    private DelayingProxy proxy;
    private S3Client s3;
    private ServiceProcess manager;
    private ServiceProcess worker1;
    private ServiceProcess worker2;
    private Api api;

    @BeforeAll
    void startManagerAndTwoWorkers() throws Exception {
        mariaDb = TestPeers.mariaDb();
        try (Connection connection = mariaDb.openSource(); Statement sql = connection.createStatement()) {
            sql.execute("CREATE DATABASE " + database);
        }
        URI s3Mock = TestPeers.s3Endpoint();
        proxy = DelayingProxy.in(s3Mock, 20);
        s3 = TestPeers.s3Client(s3Mock);
        for (String mapping : List.of("together", "killed", "handed")) {
            s3.createBucket(b -> b.bucket(bucketPrefix + mapping));
            Path source = Files.createDirectories(root.resolve("src/" + mapping));
            for (int i = 0; i < OBJECTS.get(mapping); i++) {
                Path file = source.resolve(String.format("k%02d/%04d.bin", i % 8, i));
                Files.createDirectories(file.getParent());
                Files.writeString(file, mapping + " object " + i + " " + "x".repeat(i % 50));
            }
        }
        for (String mapping : List.of("together", "killed", "handed")) {
            writeRunbook(mapping, proxy.endpoint());
        }
        manager = ServiceProcess.quickStarting(Files.createDirectories(root.resolve("manager")));
        worker1 = ServiceProcess.quickStarting(Files.createDirectories(root.resolve("worker-1")));
        worker2 = ServiceProcess.quickStarting(Files.createDirectories(root.resolve("worker-2")));
        api = new Api(manager.port(), PASSWORDS);
        // The manager first (Flyway migrates once), then both workers at the same time: three starts at once are
        // slower on two cores than one and then two.
        start(manager, "manager", 0);
        CompletableFuture.allOf(CompletableFuture.runAsync(() -> start(worker1, "worker-1", 2)),
                CompletableFuture.runAsync(() -> start(worker2, "worker-2", 2))).join();
    }

    @Test
    @Order(1)
    void aSyncPartitionedAcrossTwoWorkersCompletesVerifiedWithEachObjectPutOnce() throws Exception {
        String cutover = create("together");
        // The runbook file changes after the cutover pinned it: its S3 connection now points nowhere. Workers copy
        // where the cutover's pinned runbook says, as its manager plans and verifies (reading the catalog as it is
        // now, their partitions failed against the dead endpoint).
        writeRunbook("together", URI.create("http://127.0.0.1:" + ServiceProcess.freePort()));
        for (ServiceProcess instance : List.of(manager, worker1, worker2)) {
            Api.Answer reloaded = new Api(instance.port(), PASSWORDS).post("operator", "/api/runbooks/reload", "");
            assertThat(reloaded.status()).as(reloaded.text()).isEqualTo(200);
        }
        start(cutover);
        JsonNode done = api.awaitCutover(cutover, c -> !"RUNNING".equals(c.path("state").asString()), 60);
        assertThat(done.path("state").asString()).as(done + manager.logTail()).isEqualTo("COMPLETED");

        JsonNode run = api.get("viewer", "/api/syncs/" + runOf(cutover)).body().path("run");
        assertThat(run.path("copiedObjects").asLong()).isEqualTo((long) OBJECTS.get("together"));
        assertThat(run.path("mismatches").asLong()).isZero();
        JsonNode partitions = api.get("viewer", "/api/syncs/" + runOf(cutover) + "/partitions").body().path("partitions");
        Set<String> workers = new HashSet<>();
        partitions.forEach(p -> workers.add(p.path("instance").asString()));
        assertThat(partitions).hasSize(4);
        assertThat(workers).as("instances that ran partitions: " + partitions).containsExactlyInAnyOrder("worker-1", "worker-2");
        Map<String, Long> puts = puts("together");
        assertThat(puts).hasSize(OBJECTS.get("together"));
        assertThat(puts.values()).as("puts per object").containsOnly(1L);
    }

    @Test
    @Order(2)
    void aWorkerKilledMidPartitionIsFoundByItsLeaseAndItsPartitionsResumeOnTheOther() throws Exception {
        String cutover = startPhase("killed");
        long run = runOf(cutover);
        awaitCopying("worker-2", run);
        worker2.killNine();

        JsonNode failed = api.awaitCutover(cutover, c -> !"RUNNING".equals(c.path("state").asString()), 30);
        assertThat(failed.path("state").asString()).as(failed + manager.logTail()).isEqualTo("FAILED");
        JsonNode lost = api.get("viewer", "/api/syncs/" + run + "/partitions").body().path("partitions");
        List<String> lostNames = new ArrayList<>();
        lost.forEach(p -> {
            if ("worker-2".equals(p.path("instance").asString()) && "FAILED".equals(p.path("state").asString())) {
                assertThat(p.path("message").asString()).contains("lost with worker");
                lostNames.add(p.path("name").asString());
            }
        });
        assertThat(lostNames).as("partitions lost with worker-2: " + lost).isNotEmpty();

        assertThat(api.post("operator", "/api/cutovers/" + cutover + "/phases/data/restart", null).status())
                .isEqualTo(202);
        JsonNode done = api.awaitCutover(cutover, c -> !"RUNNING".equals(c.path("state").asString()), 60);
        assertThat(done.path("state").asString()).as(done + manager.logTail()).isEqualTo("COMPLETED");
        JsonNode resumed = api.get("viewer", "/api/syncs/" + run).body().path("run");
        assertThat(resumed.path("copiedObjects").asLong()).isEqualTo((long) OBJECTS.get("killed"));
        assertThat(resumed.path("mismatches").asLong()).isZero();
        JsonNode partitions = api.get("viewer", "/api/syncs/" + run + "/partitions").body().path("partitions");
        partitions.forEach(p -> {
            assertThat(p.path("state").asString()).isEqualTo("COMPLETED");
            if (lostNames.contains(p.path("name").asString())) {
                assertThat(p.path("instance").asString()).as("a lost partition resumed elsewhere").isEqualTo("worker-1");
            }
        });
        Map<String, Long> puts = puts("killed");
        assertThat(puts).hasSize(OBJECTS.get("killed"));
        long duplicates = puts.values().stream().mapToLong(n -> n - 1).sum();
        System.out.println("PartitionedSyncIT: duplicate puts after the kill: " + duplicates);
        // Only those of the chunks in flight at the kill: a chunk is 100 objects (and a lookahead of copies started
        // ahead of it), and worker-2 ran at most 2 partitions.
        assertThat(duplicates).as("puts beyond one per object").isLessThanOrEqualTo(2 * 2 * 100);
    }

    /**
     * A rolling restart of a worker: SIGTERM of worker-1 while it copies hands its partitions back between
     * objects, and worker-2 (started again after the case before) continues them from their checkpoints. The
     * phase completes without a restart; no partition fails.
     */
    @Test
    @Order(3)
    void aWorkerStoppedGracefullyMidPartitionHandsItsPartitionsToTheOtherAndTheSyncGoesOn() throws Exception {
        worker2.start("service-2.log", arguments("worker-2", 2)); // killed in the case before
        String cutover = startPhase("handed");
        long run = runOf(cutover);
        awaitCopying("worker-1", run);
        long stopping = System.nanoTime();
        worker1.stop(); // SIGTERM
        long stopped = (System.nanoTime() - stopping) / 1_000_000;
        assertThat(worker1.process().exitValue()).as("worker-1 stopped gracefully" + worker1.logTail()).isNotEqualTo(137);

        JsonNode done = api.awaitCutover(cutover, c -> !"RUNNING".equals(c.path("state").asString()), 60);
        assertThat(done.path("state").asString()).as(done + manager.logTail()).isEqualTo("COMPLETED");
        JsonNode synced = api.get("viewer", "/api/syncs/" + run).body().path("run");
        assertThat(synced.path("copiedObjects").asLong()).isEqualTo((long) OBJECTS.get("handed"));
        assertThat(synced.path("mismatches").asLong()).isZero();
        JsonNode partitions = api.get("viewer", "/api/syncs/" + run + "/partitions").body().path("partitions");
        partitions.forEach(p -> assertThat(p.path("state").asString()).as(p.toString()).isEqualTo("COMPLETED"));
        assertThat(partitions.findValuesAsString("instance")).as("every partition ended on worker-2: " + partitions)
                .containsOnly("worker-2");
        Map<String, Long> puts = puts("handed");
        assertThat(puts).hasSize(OBJECTS.get("handed"));
        long duplicates = puts.values().stream().mapToLong(n -> n - 1).sum();
        System.out.println("PartitionedSyncIT: SIGTERM of worker-1 took " + stopped + " ms; duplicate puts after the "
                + "hand-back: " + duplicates);
        assertThat(duplicates).as("puts beyond one per object").isLessThanOrEqualTo(2 * 2 * 100);
    }

    /** Waits until {@code worker} has committed a chunk of a partition of {@code run} and still copies. */
    private void awaitCopying(String worker, long run) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!isCopying(worker, run)) {
            assertThat(System.currentTimeMillis()).as(worker + " copies a partition").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private boolean isCopying(String worker, long run) {
        JsonNode partitions = api.get("viewer", "/api/syncs/" + run + "/partitions").body().path("partitions");
        for (JsonNode p : partitions) {
            if (worker.equals(p.path("instance").asString()) && "RUNNING".equals(p.path("state").asString())
                    && p.path("objects").asLong() > 0) {
                return true;
            }
        }
        return false;
    }

    private Map<String, Long> puts(String mapping) {
        Map<String, Long> puts = new java.util.TreeMap<>();
        proxy.puts().forEach((path, count) -> {
            if (path.startsWith(bucketPrefix + mapping + "/")) {
                puts.put(path, count);
            }
        });
        return puts;
    }

    private void writeRunbook(String mapping, URI s3) throws java.io.IOException {
        Path runbooks = Files.createDirectories(root.resolve("runbooks"));
        Files.writeString(runbooks.resolve(mapping + ".yaml"), new PartitionedSyncRunbook(mapping,
                "A final sync partitioned across worker instances", root.resolve("src"), s3, mapping,
                bucketPrefix + mapping, 4, 8, "5m").yaml());
    }

    private String startPhase(String runbook) {
        String id = create(runbook);
        start(id);
        return id;
    }

    private String create(String runbook) {
        Api.Answer created = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"" + runbook + "\",\"environment\":\"local\",\"rehearsal\":true}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.body().path("id").asString();
    }

    private void start(String cutover) {
        assertThat(api.post("operator", "/api/cutovers/" + cutover + "/phases/data/start", null).status()).isEqualTo(202);
    }

    private long runOf(String cutover) {
        String url = mariaDb.sourceUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
        for (int i = 0; i < 100; i++) {
            try (Connection connection = DriverManager.getConnection(url, mariaDb.user(), mariaDb.password());
                 Statement sql = connection.createStatement();
                 ResultSet rows = sql.executeQuery("SELECT id FROM sync_run WHERE cutover_id = '" + cutover + "'")) {
                if (rows.next()) {
                    return rows.getLong(1);
                }
                Thread.sleep(50);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no sync run for cutover " + cutover);
    }

    private void start(ServiceProcess service, String instance, int partitionWorkers) {
        try {
            service.start("service.log", arguments(instance, partitionWorkers));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (ServiceProcess service : new ServiceProcess[] {manager, worker1, worker2}) {
            if (service != null) {
                service.close();
            }
        }
        if (proxy != null) {
            proxy.close();
        }
        if (s3 != null) {
            for (String mapping : OBJECTS.keySet()) { // the shared S3Mock keeps nothing of this test
                String bucket = bucketPrefix + mapping;
                s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()
                        .forEach(object -> s3.deleteObject(b -> b.bucket(bucket).key(object.key())));
                s3.deleteBucket(b -> b.bucket(bucket));
            }
            s3.close();
        }
        if (mariaDb != null) {
            try (Connection connection = mariaDb.openSource(); Statement sql = connection.createStatement()) {
                sql.execute("DROP DATABASE IF EXISTS " + database);
            }
        }
    }

    private String[] arguments(String instance, int partitionWorkers) {
        String url = mariaDb.sourceUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
        List<String> arguments = new ArrayList<>(List.of("--spring.profiles.active=mysql",
                "--spring.datasource.url=" + url, "--spring.datasource.username=" + mariaDb.user(),
                "--spring.datasource.password=" + mariaDb.password(), "--cutover.instance.id=" + instance,
                "--cutover.instance.lease=3s", "--cutover.runbooks.location=" + root.resolve("runbooks"),
                "--cutover.sync.partition.workers=" + partitionWorkers, "--spring.main.banner-mode=off"));
        List<String> users = List.of("viewer", "operator", "approver");
        for (int i = 0; i < users.size(); i++) {
            String user = "--cutover.security.users[" + i + "].";
            arguments.addAll(List.of(user + "name=" + users.get(i), user + "roles=" + users.get(i).toUpperCase(),
                    user + "password={noop}" + PASSWORDS.get(users.get(i))));
        }
        return arguments.toArray(String[]::new);
    }
}
