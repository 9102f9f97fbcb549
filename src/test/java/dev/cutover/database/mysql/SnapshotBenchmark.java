package dev.cutover.database.mysql;

import dev.cutover.step.StepOutcome;
import dev.cutover.storage.ObjectStores;
import dev.cutover.testpeers.TestPeers;
import dev.cutover.testsupport.RecordingStepContext;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code bench/snapshot.sh}'s measurement: the {@code mysql-snapshot} step of a seeded database on the test
 * stack's source, streamed to S3Mock and restore-checked (unlogged, so the replica is spared 200 MB), against
 * the dump tool writing the same databases to a local file. Run with a small {@code -Xmx}: the peak heap shows
 * that memory does not grow with the dump. Args: the database, its row count.
 */
public final class SnapshotBenchmark {

    private SnapshotBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String database = args[0];
        long rows = Long.parseLong(args[1]);
        ReplicationPair pair = new ReplicationPair();
        MySqlSettings source = MySqlSettings.of("source", name -> java.util.Optional.ofNullable(pair.settings("source")
                .get(name)));
        DumpTool tool;
        try (MySqlServer server = MySqlServer.connect(source)) {
            tool = DumpTool.of(server.flavor());
        }

        // The tool's own throughput, writing to a local file (the page cache, on this machine).
        Path file = Files.createTempFile("snapshot-bench", ".sql");
        long toolStarted = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(tool.dumpCommand(source, List.of(database)))
                .redirectOutput(file.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("MYSQL_PWD", source.password());
        int exit = builder.start().waitFor();
        double toolSeconds = (System.nanoTime() - toolStarted) / 1e9;
        long toolBytes = Files.size(file);
        Files.delete(file);
        if (exit != 0) {
            throw new IllegalStateException(tool.dumpName() + " exited " + exit);
        }

        String bucket = "snapshot-bench-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client s3 = TestPeers.s3Client()) {
            s3.createBucket(r -> r.bucket(bucket));
        }
        try (AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext()) {
            spring.scan("dev.cutover.storage.s3", "dev.cutover.storage.filesystem");
            spring.register(ObjectStores.class);
            spring.refresh();
            MySqlSnapshotStepType step = new MySqlSnapshotStepType(spring.getBean(ObjectStores.class));
            Map<String, Object> with = new LinkedHashMap<>();
            with.put("source", "source");
            with.put("databases", List.of(database));
            with.put("store", "store");
            with.put("bucket", bucket);
            with.put("verify", "true");
            with.put("restoreUnlogged", "true");
            RecordingStepContext context = new RecordingStepContext(with).timeout(Duration.ofHours(1))
                    .connection("source", "mysql", pair.settings("source"))
                    .connection("store", "s3", Map.of("endpoint", TestPeers.s3Endpoint().toString(), "pathStyle", "true",
                            "region", "us-east-1", "accessKeyId", "test", "secretAccessKey", "test"));
            System.gc();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            StepOutcome outcome = step.execute(context);
            long peakHeap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(pool -> pool.getType() == MemoryType.HEAP)
                    .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
            Map<String, Object> evidence = outcome.evidence();
            @SuppressWarnings("unchecked")
            Map<String, Object> restore = (Map<String, Object>) evidence.get("restoreCheck");
            long bytes = (Long) evidence.get("size");
            double dumpSeconds = (Double) evidence.get("dumpSeconds");
            System.out.println(outcome.summary());
            System.out.printf(Locale.ROOT, "tool to local file: %d bytes in %.1f s; ours to S3Mock: %d bytes in %.1f s; "
                    + "restore check %s s (passed: %s); max heap %d MiB%n", toolBytes, toolSeconds, bytes, dumpSeconds,
                    restore.get("seconds"), restore.get("passed"), Runtime.getRuntime().maxMemory() >> 20);
            System.out.printf(Locale.ROOT, "snapshot: rows=%d bytes=%d dump_mibps=%.1f mysqldump_mibps=%.1f restore_s=%.1f "
                    + "peak_heap_mib=%d%n", rows, bytes, bytes / 1048576.0 / dumpSeconds,
                    toolBytes / 1048576.0 / toolSeconds, ((Number) restore.get("seconds")).doubleValue(), peakHeap >> 20);
        }
    }
}
