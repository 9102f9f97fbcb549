package dev.cutover.storage.sync;

import dev.cutover.testpeers.TestPeers;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceProcess;
import dev.cutover.testsupport.net.DelayingProxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * {@code bench/scale-out.sh}: the same partitioned full sync (filesystem source, S3Mock target behind a
 * proxy adding a delay to each request, standing for a cloud round trip) with 1, 2 and 3 worker
 * processes of the same jar next to a manager that runs no partition itself, on a MariaDB database of
 * the test stack. Workers are added one per round (each round syncs into a fresh bucket); throughput
 * is the bytes the partitions copied over the span from the first partition's start to the last one's
 * end. Each run is a final sync (its verification must be clean); duplicates are puts beyond one per
 * object, counted by the proxy.
 */
public final class ScaleOutBenchmark {

    private static final Map<String, String> PASSWORDS = Map.of("viewer", "viewer-bench", "operator", "operator-bench",
            "approver", "approver-bench");

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int objects = Integer.parseInt(options.getOrDefault("objects", "5000"));
        int size = Integer.parseInt(options.getOrDefault("size", "16384"));
        int delay = Integer.parseInt(options.getOrDefault("delay-ms", "20"));
        int threads = Integer.parseInt(options.getOrDefault("threads", "2"));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "8"));
        int partitions = Integer.parseInt(options.getOrDefault("partitions", "12"));
        int maxWorkers = Integer.parseInt(options.getOrDefault("workers", "3"));
        int status = 0;
        // ServiceProcess starts the service from this class path, in the process's own directory: make it absolute.
        System.setProperty("surefire.test.class.path", java.util.Arrays.stream(
                        System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
        Path root = Files.createTempDirectory("scale-out-");
        TestPeers.MySqlPair mariaDb = TestPeers.mariaDb();
        String database = "cutover_scale_" + ProcessHandle.current().pid();
        URI s3Mock = TestPeers.s3Endpoint();
        List<ServiceProcess> processes = new ArrayList<>();
        try (DelayingProxy proxy = DelayingProxy.in(s3Mock, delay);
             S3Client s3 = TestPeers.s3Client(s3Mock)) {
            try (Connection connection = mariaDb.openSource(); Statement sql = connection.createStatement()) {
                sql.execute("CREATE DATABASE " + database);
            }
            Path source = Files.createDirectories(root.resolve("src/assets"));
            byte[] bytes = new byte[size];
            for (int i = 0; i < objects; i++) {
                Path file = source.resolve(String.format("p%02d/%06d.bin", i % 16, i));
                Files.createDirectories(file.getParent());
                bytes[0] = (byte) i;
                bytes[1] = (byte) (i >> 8);
                Files.write(file, bytes);
            }
            Path runbooks = Files.createDirectories(root.resolve("runbooks"));
            String bucketPrefix = "scale-" + ProcessHandle.current().pid() + "-w";
            for (int w = 1; w <= maxWorkers; w++) {
                String bucket = bucketPrefix + w;
                s3.createBucket(b -> b.bucket(bucket));
            }
            for (int w = 1; w <= maxWorkers; w++) {
                Files.writeString(runbooks.resolve("w" + w + ".yaml"), new PartitionedSyncRunbook("w" + w,
                        "scale-out bench, " + w + " worker(s)", root.resolve("src"), proxy.endpoint(), "assets",
                        bucketPrefix + w, partitions, concurrency, "30m").yaml());
            }
            String url = mariaDb.sourceUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
            ServiceProcess manager = start(root, "manager", 0, url, mariaDb, processes);
            Api api = new Api(manager.port(), PASSWORDS);
            double[] mibps = new double[maxWorkers + 1];
            boolean clean = true;
            long duplicates = 0;
            for (int w = 1; w <= maxWorkers; w++) {
                start(root, "worker-" + w, threads, url, mariaDb, processes);
                Result result = run(api, "w" + w);
                mibps[w] = result.mibps();
                clean &= result.clean();
                String bucket = bucketPrefix + w + "/";
                long puts = proxy.puts().entrySet().stream().filter(e -> e.getKey().startsWith(bucket))
                        .mapToLong(Map.Entry::getValue).sum();
                long keys = proxy.puts().keySet().stream().filter(k -> k.startsWith(bucket)).count();
                duplicates += puts - keys;
                clean &= keys == objects;
                System.out.printf("scale-out: %d worker(s): %.1f MiB/s (%d objects, %.1f s of copying), state %s, "
                        + "mismatches %d, workers seen %s, puts %d for %d keys%n", w, result.mibps(), objects,
                        result.seconds(), result.state(), result.mismatches(), result.workers(), puts, keys);
            }
            for (int w = 1; w <= maxWorkers; w++) {
                emptyAndDelete(s3, bucketPrefix + w);
            }
            double efficiency = maxWorkers >= 3 ? mibps[3] / (3 * mibps[1]) : Double.NaN;
            System.out.printf("scale-out: w1_mibps=%.1f w2_mibps=%.1f w3_mibps=%.1f efficiency_w3=%.2f duplicates=%d "
                    + "verify=%s%n", mibps[1], maxWorkers >= 2 ? mibps[2] : Double.NaN,
                    maxWorkers >= 3 ? mibps[3] : Double.NaN, efficiency, duplicates, clean ? "clean" : "dirty");
        } catch (Exception | AssertionError e) {
            e.printStackTrace(System.out);
            System.out.println("scale-out: FAILED: " + e.getMessage());
            status = 1;
        } finally {
            for (ServiceProcess process : processes) {
                process.close();
            }
            try (Connection connection = mariaDb.openSource(); Statement sql = connection.createStatement()) {
                sql.execute("DROP DATABASE IF EXISTS " + database);
            }
        }
        System.out.flush();
        System.exit(status);
    }

    /** The shared S3Mock keeps nothing of the bench. */
    private static void emptyAndDelete(S3Client s3, String bucket) {
        s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()
                .forEach(object -> s3.deleteObject(b -> b.bucket(bucket).key(object.key())));
        s3.deleteBucket(b -> b.bucket(bucket));
    }

    private record Result(double mibps, double seconds, String state, long mismatches, List<String> workers,
                          boolean clean) {
    }

    private static Result run(Api api, String runbook) throws InterruptedException {
        Api.Answer created = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"" + runbook + "\",\"environment\":\"local\",\"rehearsal\":true}");
        String cutover = created.body().path("id").asString();
        api.post("operator", "/api/cutovers/" + cutover + "/phases/data/start", null);
        api.awaitCutover(cutover, c -> !"RUNNING".equals(c.path("state").asString()), 1800);
        JsonNode syncs = null;
        long runId = -1;
        for (int id = 1; id < 100; id++) {
            JsonNode run = api.get("viewer", "/api/syncs/" + id).body();
            if (run != null && cutover.equals(run.path("run").path("cutoverId").asString())) {
                syncs = run;
                runId = id;
            }
        }
        if (syncs == null) {
            throw new AssertionError("no sync run of cutover " + cutover);
        }
        JsonNode partitions = api.get("viewer", "/api/syncs/" + runId + "/partitions").body().path("partitions");
        Instant first = null;
        Instant last = null;
        long bytes = 0;
        List<String> workers = new ArrayList<>();
        for (JsonNode p : partitions) {
            Instant started = Instant.parse(p.path("startedAt").asString());
            Instant ended = Instant.parse(p.path("endedAt").asString());
            first = first == null || started.isBefore(first) ? started : first;
            last = last == null || ended.isAfter(last) ? ended : last;
            bytes += p.path("bytes").asLong();
            if (!workers.contains(p.path("instance").asString())) {
                workers.add(p.path("instance").asString());
            }
        }
        double seconds = java.time.Duration.between(first, last).toMillis() / 1000.0;
        String state = syncs.path("run").path("state").asString();
        long mismatches = syncs.path("run").path("mismatches").asLong();
        return new Result(bytes / 1048576.0 / seconds, seconds, state, mismatches, workers,
                "COMPLETED".equals(state) && mismatches == 0);
    }

    private static ServiceProcess start(Path root, String instance, int threads, String url, TestPeers.MySqlPair db,
                                        List<ServiceProcess> processes) throws Exception {
        ServiceProcess process = new ServiceProcess(Files.createDirectories(root.resolve(instance)))
                .jvmOptions(List.of("-XX:+UseSerialGC", "-Xss512k"));
        processes.add(process);
        List<String> arguments = new ArrayList<>(List.of("--spring.profiles.active=mysql",
                "--spring.datasource.url=" + url, "--spring.datasource.username=" + db.user(),
                "--spring.datasource.password=" + db.password(), "--cutover.instance.id=" + instance,
                "--cutover.runbooks.location=" + root.resolve("runbooks"),
                "--cutover.sync.partition.workers=" + threads, "--spring.main.banner-mode=off"));
        List<String> users = List.of("viewer", "operator", "approver");
        for (int i = 0; i < users.size(); i++) {
            String user = "--cutover.security.users[" + i + "].";
            arguments.addAll(List.of(user + "name=" + users.get(i), user + "roles=" + users.get(i).toUpperCase(),
                    user + "password={noop}" + PASSWORDS.get(users.get(i))));
        }
        process.start("service.log", arguments.toArray(String[]::new));
        return process;
    }
}
