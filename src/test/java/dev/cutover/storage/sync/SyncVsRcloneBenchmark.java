package dev.cutover.storage.sync;

import dev.cutover.CutoverApplication;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStores;
import dev.cutover.storage.SyncMode;
import dev.cutover.storage.SyncRun;
import dev.cutover.storage.SyncSpec;
import dev.cutover.storage.gcs.FakeGcsServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Our storage sync (the product's real path: a runbook with gcs and s3 connections, the Spring Boot
 * application in-process, {@link SyncLauncher#start} and {@link SyncLauncher#await}) against {@code rclone sync},
 * GCS (the {@link FakeGcsServer}, file-backed) to S3 (S3Mock from the test stack), in one JVM run:
 * <ol>
 * <li>seed {@code bench-src}: N small objects (default 2,000 of 256 KiB) and M large ones (20 of 16 MiB);</li>
 * <li>warm-up (untimed): each tool syncs {@code bench-warmup} (1,000 small objects and one large) into a bucket
 *     of its own, then 1% of those objects change and it runs a delta: rclone once (it has no JIT; the round warms the fake,
 *     S3Mock and the page cache), ours {@code --warmup-rounds} times (default 5, each into a fresh bucket), so
 *     that the measured runs see our JIT settled, as in a service that has been up for a while. Each round
 *     prints its CPU: the client's CPU per round falls until the JIT has compiled the per-object paths
 *     (about 5,000 objects), which is the figure a long full sync or a weekly delta sees;</li>
 * <li>full: rclone into its own empty bucket, then ours into its own empty bucket ({@code --ours-first}: the
 *     other way round);</li>
 * <li>change 1% of the objects (overwrite K small ones with new random bytes, new generations);</li>
 * <li>delta: rclone sync again, then ours in mode delta (same order as the full round);</li>
 * <li>check both targets: object count equals the source's, changed objects hold the new bytes.</li>
 * </ol>
 * Same concurrency for both: our {@code concurrency} = rclone {@code --transfers} = {@code --checkers}.
 * rclone runs with {@code --checksum} so that its delta, like ours, compares checksums (MD5 for rclone,
 * CRC32C or MD5 for ours), not modification times. Ours is timed from {@code start} to the end time its
 * manifest records (await polls every 500 ms), rclone from process start to exit. Each run also reports the
 * CPU seconds it cost: the client (rclone's process; our JVM minus the fake's threads), the fake, S3Mock.
 * <p>
 * Arguments: {@code --s3 <endpoint>} (default {@code $CUTOVER_TEST_S3_ENDPOINT}), {@code --small N},
 * {@code --small-kib N}, {@code --large N}, {@code --large-mib N}, {@code --changed N},
 * {@code --concurrency N}, {@code --rclone <binary>}, {@code --warmup-small N} (default 1000),
 * {@code --no-warmup}, {@code --warmup-rounds N} (default 5), {@code --rclone-only} (skip ours, to test the rclone half), {@code --ours-first},
 * {@code --s3mock-pid <pid>} (S3Mock's CPU per run, from /proc), {@code --profile} (sample our threads'
 * stacks during our runs, and the CPU of our JVM's threads by kind: JIT, GC, copy pool...).
 * Last line: {@code sync-vs-rclone: full_ratio=.. delta_ratio=.. ours_full_mibps=.. rclone_full_mibps=..}.
 */
public final class SyncVsRcloneBenchmark {

    private static final String SOURCE = "bench-src";
    private static final String WARMUP = "bench-warmup";
    private static final long KIB = 1024;
    private static final long MIB = 1024 * 1024;

    private record Timed(String tool, String run, double seconds, long objects, long bytes, String detail) {
        double mibps() {
            return bytes / (double) MIB / seconds;
        }
    }

    private final Map<String, String> options;
    private final URI s3Endpoint;
    private final int small;
    private final long smallBytes;
    private final int large;
    private final long largeBytes;
    private final int changed;
    private final int concurrency;
    private final int warmupSmall;
    private final int warmupRounds;
    private final String rcloneBinary;
    private final String stamp = Long.toString(System.currentTimeMillis(), 36);
    private final List<String> buckets = new ArrayList<>();
    private Path work;
    private FakeGcsServer gcs;
    private S3Client s3;
    private ConfigurableApplicationContext app;

    private SyncVsRcloneBenchmark(Map<String, String> options) {
        this.options = options;
        String endpoint = options.getOrDefault("s3", System.getenv("CUTOVER_TEST_S3_ENDPOINT"));
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException("no S3 endpoint: pass --s3 <url> or set CUTOVER_TEST_S3_ENDPOINT "
                    + "(eval \"$(bash scripts/test-stack.sh up)\")");
        }
        this.s3Endpoint = URI.create(endpoint);
        this.small = Integer.parseInt(options.getOrDefault("small", "2000"));
        this.smallBytes = Long.parseLong(options.getOrDefault("small-kib", "256")) * KIB;
        this.large = Integer.parseInt(options.getOrDefault("large", "20"));
        this.largeBytes = Long.parseLong(options.getOrDefault("large-mib", "16")) * MIB;
        this.changed = Integer.parseInt(options.getOrDefault("changed", Integer.toString(Math.max(1, (small + large) / 100))));
        this.concurrency = Integer.parseInt(options.getOrDefault("concurrency", "16"));
        this.rcloneBinary = options.getOrDefault("rclone", "rclone");
        this.warmupSmall = Integer.parseInt(options.getOrDefault("warmup-small", "1000"));
        this.warmupRounds = Integer.parseInt(options.getOrDefault("warmup-rounds", "5"));
        if (changed > small) {
            throw new IllegalArgumentException("--changed " + changed + " is more than the " + small + " small objects");
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i].replaceFirst("^--", "");
            boolean flag = List.of("no-warmup", "rclone-only", "profile", "ours-first").contains(name);
            options.put(name, flag ? "true" : args[++i]);
        }
        int status;
        SyncVsRcloneBenchmark bench = new SyncVsRcloneBenchmark(options);
        try {
            status = bench.run();
        } catch (Exception | AssertionError e) {
            e.printStackTrace(System.out);
            System.out.println("sync-vs-rclone: FAILED: " + e.getMessage());
            status = 1;
        } finally {
            bench.cleanUp();
        }
        System.out.flush();
        System.exit(status);
    }

    private int run() throws Exception {
        work = Files.createTempDirectory("sync-vs-rclone-");
        s3 = S3Client.builder()
                .endpointOverride(s3Endpoint)
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
        gcs = new FakeGcsServer(Files.createDirectories(work.resolve("gcs"))).start();
        say("fake GCS at %s (file-backed under %s), S3Mock at %s, rclone: %s", gcs.endpoint(), work.resolve("gcs"),
                s3Endpoint, rcloneVersion());

        long started = System.nanoTime();
        long sourceBytes = seed();
        long sourceObjects = small + large;
        say("seeded %s: %d objects (%d x %d KiB + %d x %d MiB), %.1f MiB, in %.1f s", SOURCE, sourceObjects, small,
                smallBytes / KIB, large, largeBytes / MIB, sourceBytes / (double) MIB, (System.nanoTime() - started) / 1e9);

        Path rcloneConfig = writeRcloneConfig();
        boolean rcloneOnly = options.containsKey("rclone-only");
        if (!rcloneOnly) {
            startApplication();
        }
        if (!options.containsKey("no-warmup")) {
            // rclone has no JIT: one round warms the fake, S3Mock and the page cache for both tools. Ours runs
            // in a service that stays up for weeks; its JIT settles after some thousands of objects, and the
            // rounds below show its CPU per object falling until it does.
            String rcloneWarmup = bucket("rclone-warmup");
            int warmupChanges = Math.max(1, warmupSmall / 100);
            Timed r = rclone(rcloneConfig, WARMUP, rcloneWarmup, "warm-up");
            change(WARMUP, warmupSmall, warmupChanges, 1);
            Timed rd = rclone(rcloneConfig, WARMUP, rcloneWarmup, "warm-up");
            say("warm-up (untimed) rclone: full %.2f s, delta of %d changes %.2f s", r.seconds(), warmupChanges,
                    rd.seconds());
            for (int round = 1; !rcloneOnly && round <= warmupRounds; round++) {
                String oursWarmup = bucket("ours-warmup-" + round);
                Timed o = ours(WARMUP, oursWarmup, SyncMode.FULL, "warm-up");
                change(WARMUP, warmupSmall, warmupChanges, 1 + round);
                Timed od = ours(WARMUP, oursWarmup, SyncMode.DELTA, "warm-up");
                say("warm-up (untimed) ours, round %d of %d: full %.2f s, delta %.2f s; full %s", round,
                        warmupRounds, o.seconds(), od.seconds(), o.detail().replaceFirst("(?s).*(cpu s: [^\\n]*).*", "$1"));
                deleteBucket(oursWarmup);
            }
        }

        String rcloneTarget = bucket("rclone");
        String oursTarget = bucket("ours");
        List<String> order = rcloneOnly ? List.of("rclone")
                : options.containsKey("ours-first") ? List.of("ours", "rclone") : List.of("rclone", "ours");
        say("order: %s full, change %d objects, %s delta; targets s3://%s (rclone), "
                + "s3://%s (ours); concurrency %d for both (ours: concurrency; rclone: --transfers %d --checkers %d); "
                + "rclone runs with --checksum so both deltas compare by checksum", String.join(" full, ", order), changed,
                String.join(" delta, ", order), rcloneTarget, oursTarget, concurrency, concurrency, concurrency);

        List<Timed> results = new ArrayList<>();
        for (String tool : order) {
            results.add("rclone".equals(tool) ? rclone(rcloneConfig, SOURCE, rcloneTarget, "full")
                    : ours(SOURCE, oursTarget, SyncMode.FULL, "full"));
            print(results.get(results.size() - 1));
        }

        List<String> changedKeys = change();
        say("changed %d of %d objects (%.1f%%): overwrote %s ... %s with new random bytes", changedKeys.size(),
                sourceObjects, 100.0 * changedKeys.size() / sourceObjects, changedKeys.get(0),
                changedKeys.get(changedKeys.size() - 1));

        for (String tool : order) {
            results.add("rclone".equals(tool) ? rclone(rcloneConfig, SOURCE, rcloneTarget, "delta")
                    : ours(SOURCE, oursTarget, SyncMode.DELTA, "delta"));
            print(results.get(results.size() - 1));
        }

        if (!rcloneOnly) {
            say("%s", listingCosts(SOURCE, oursTarget));
        }
        boolean complete = verify(rcloneTarget, sourceObjects, changedKeys);
        if (!rcloneOnly) {
            complete &= verify(oursTarget, sourceObjects, changedKeys);
        }
        Timed rcloneFull = find(results, "rclone", "full");
        Timed rcloneDelta = find(results, "rclone", "delta");
        if (rcloneOnly) {
            System.out.printf(Locale.ROOT, "sync-vs-rclone: rclone only: rclone_full_mibps=%.1f rclone_delta_seconds=%.2f%n",
                    rcloneFull.mibps(), rcloneDelta.seconds());
            return complete ? 0 : 1;
        }
        Timed oursFull = find(results, "ours", "full");
        Timed oursDelta = find(results, "ours", "delta");
        if (!complete) {
            System.out.println("sync-vs-rclone: INCOMPLETE: a target does not match the source (see above)");
            return 1;
        }
        System.out.printf(Locale.ROOT, "sync-vs-rclone: full_ratio=%.2f delta_ratio=%.2f ours_full_mibps=%.1f "
                        + "rclone_full_mibps=%.1f%n", oursFull.mibps() / rcloneFull.mibps(),
                rcloneDelta.seconds() / oursDelta.seconds(), oursFull.mibps(), rcloneFull.mibps());
        return 0;
    }

    // ---- source ----

    private static String smallKey(int i) {
        return String.format(Locale.ROOT, "small/%05d.bin", i);
    }

    private static String largeKey(int i) {
        return String.format(Locale.ROOT, "large/%03d.bin", i);
    }

    private long seed() {
        gcs.createBucket(SOURCE);
        gcs.createBucket(WARMUP);
        SplittableRandom random = new SplittableRandom(42);
        byte[] smallData = new byte[(int) smallBytes];
        byte[] largeData = new byte[(int) largeBytes];
        long bytes = 0;
        for (int i = 0; i < small; i++) {
            random.nextBytes(smallData);
            gcs.put(SOURCE, smallKey(i), smallData, Map.of());
            bytes += smallData.length;
        }
        for (int i = 0; i < large; i++) {
            random.nextBytes(largeData);
            gcs.put(SOURCE, largeKey(i), largeData, Map.of());
            bytes += largeData.length;
        }
        for (int i = 0; i < warmupSmall; i++) {
            random.nextBytes(smallData);
            gcs.put(WARMUP, smallKey(i), smallData, Map.of());
        }
        if (large > 0) {
            gcs.put(WARMUP, largeKey(0), largeData, Map.of());
        }
        return bytes;
    }

    /** Overwrites {@code changed} small objects, spread over the key range, with new random bytes. */
    private List<String> change() {
        return change(SOURCE, small, changed, 4242);
    }

    /** Overwrites {@code count} of the bucket's {@code smallObjects} small objects, spread evenly, with new bytes. */
    private List<String> change(String bucket, int smallObjects, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = new byte[(int) smallBytes];
        List<String> keys = new ArrayList<>();
        int step = smallObjects / count;
        for (int n = 0; n < count; n++) {
            String key = smallKey(n * step + step / 2);
            random.nextBytes(data);
            gcs.put(bucket, key, data, Map.of());
            keys.add(key);
        }
        return keys;
    }

    // ---- rclone ----

    private String rcloneVersion() {
        try {
            Process p = rcloneProcess(List.of("version")).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out.lines().findFirst().orElse("?");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot run " + rcloneBinary + ": " + e.getMessage(), e);
        }
    }

    private ProcessBuilder rcloneProcess(List<String> args) {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "\"$0\" \"$@\"; rc=$?; times; exit $rc"));
        command.add(rcloneBinary);
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("AWS_CA_BUNDLE"); // env -u AWS_CA_BUNDLE: S3Mock is plain HTTP on loopback
        pb.environment().keySet().removeIf(name -> name.startsWith("RCLONE_"));
        return pb;
    }

    private Path writeRcloneConfig() throws IOException {
        Path config = work.resolve("rclone.conf");
        Files.writeString(config, """
                [gcs]
                type = google cloud storage
                anonymous = true
                endpoint = %s/storage/v1/
                bucket_policy_only = true

                [s3]
                type = s3
                provider = Other
                env_auth = false
                access_key_id = test
                secret_access_key = test
                region = us-east-1
                endpoint = %s
                force_path_style = true
                no_check_bucket = true
                """.formatted(gcs.endpoint(), s3Endpoint));
        return config;
    }

    private Timed rclone(Path config, String sourceBucket, String targetBucket, String run) throws Exception {
        Path log = work.resolve("rclone-" + run + ".log");
        ProcessBuilder pb = rcloneProcess(List.of("sync", "gcs:" + sourceBucket, "s3:" + targetBucket,
                "--config", config.toString(), "--transfers", Integer.toString(concurrency),
                "--checkers", Integer.toString(concurrency), "--checksum", "-v", "--stats", "1h",
                "--stats-one-line", "--retries", "1", "--low-level-retries", "10"));
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Cpu before = cpu();
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException("rclone " + run + " did not end within 30 minutes; log " + log);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Cpu used = cpu().minus(before);
        List<String> lines = Files.readAllLines(log);
        // The wrapper's last line is bash's `times` for its children: rclone's user and system CPU.
        String[] times = lines.isEmpty() ? new String[0] : lines.remove(lines.size() - 1).trim().split("\\s+");
        double rcloneCpu = times.length == 2 ? bashSeconds(times[0]) + bashSeconds(times[1]) : Double.NaN;
        if (p.exitValue() != 0) {
            lines.stream().skip(Math.max(0, lines.size() - 30)).forEach(l -> System.out.println("  rclone| " + l));
            throw new IllegalStateException("rclone " + run + " exited with " + p.exitValue() + "; log " + log);
        }
        long copied = lines.stream().filter(l -> l.contains(": Copied (")).count();
        long bytes = 0;
        for (String l : lines) {
            if (l.contains(": Copied (")) {
                String key = l.replaceFirst("^.*?INFO\\s*:\\s*", "").replaceFirst(": Copied \\(.*$", "");
                bytes += key.startsWith("large/") ? largeBytes : smallBytes;
            }
        }
        String stats = lines.stream().filter(l -> l.contains("ETA")).reduce((a, b) -> b).orElse("")
                .replaceFirst("^.*?INFO\\s*:\\s*", "").trim();
        return new Timed("rclone", run, seconds, copied, bytes, "rclone stats: " + stats + "; " + used.describe(rcloneCpu));
    }

    // ---- ours ----

    private void startApplication() throws IOException {
        Path runbooks = Files.createDirectories(work.resolve("runbooks"));
        Files.writeString(runbooks.resolve("bench.yaml"), """
                name: bench
                description: Sync-vs-rclone benchmark, GCS fake to S3Mock
                environments:
                  bench:
                    connections:
                      gcs-src: { type: gcs, project: bench, endpoint: "%s" }
                      s3-dst: { type: s3, region: us-east-1, endpoint: "%s", pathStyle: "true", accessKeyId: test, secretAccessKey: test }
                phases:
                  - name: data-migration
                    steps:
                      - id: full-sync
                        type: storage-sync
                        owner: bench
                        with: { source: gcs-src, sourceBucket: %s, target: s3-dst, targetBucket: ours, mode: full, concurrency: %d }
                """.formatted(gcs.endpoint(), s3Endpoint, SOURCE, concurrency));
        long t0 = System.nanoTime();
        SpringApplication application = new SpringApplication(CutoverApplication.class);
        app = application.run("--server.port=0", "--cutover.runbooks.location=" + runbooks,
                "--spring.datasource.url=jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1", "--cutover.scheduling.enabled=false",
                "--spring.main.banner-mode=off", "--logging.level.root=WARN");
        say("application started in %.1f s (runbooks %s)", (System.nanoTime() - t0) / 1e9, runbooks);
    }

    private Timed ours(String sourceBucket, String targetBucket, SyncMode mode, String run) throws Exception {
        SyncLauncher sync = app.getBean(SyncLauncher.class);
        SyncSpec spec = new SyncSpec("bench", "bench", "gcs-src", sourceBucket, "", "s3-dst", targetBucket, "", mode,
                List.of(), List.of(), false, 0, concurrency);
        StackSampler sampler = options.containsKey("profile") && !"warm-up".equals(run) ? new StackSampler() : null;
        Map<String, Double> threadsBefore = sampler == null ? null : nativeThreadCpu();
        Cpu before = cpu();
        Instant t0 = Instant.now();
        long n0 = System.nanoTime();
        SyncStores open = SyncStores.open(app.getBean(dev.cutover.storage.ObjectStores.class), spec, RunbookConnections.of(
                app.getBean(dev.cutover.runbook.RunbookCatalog.class).findValid("bench").orElseThrow(), "bench"));
        long runId = sync.start(SyncRun.Kind.SYNC, spec, open, null, null, "bench");
        SyncRun done = sync.await(runId, Duration.ofMinutes(30), () -> false);
        double awaited = (System.nanoTime() - n0) / 1e9;
        Cpu used = cpu().minus(before);
        if (sampler != null) {
            sampler.stop();
        }
        if (done.state() != SyncRun.State.COMPLETED) {
            throw new IllegalStateException("our " + run + " sync run " + runId + " ended " + done.state() + ": "
                    + done.message());
        }
        // The manifest's end time, not await's return: await polls every 500 ms.
        double seconds = Duration.between(t0, done.endedAt()).toNanos() / 1e9;
        String detail = "run " + runId + ", listed " + done.listedObjects() + ", planned " + done.plannedObjects()
                + ", skipped " + done.skippedObjects() + ", failed " + done.failedObjects() + "; " + steps(done, t0)
                + String.format(Locale.ROOT, "; await returned after %.2f s", awaited) + "; "
                + used.describe(used.jvm() - used.fake());
        if (sampler != null) {
            detail += "\n" + sampler.report() + "\n" + threadCpuReport(threadsBefore, nativeThreadCpu(), used.jvm());
        }
        return new Timed("ours", run, seconds, done.copiedObjects(), done.copiedBytes(), detail);
    }

    /** Where the time went: launch (start() to the job's start), each step, and the job's end to the manifest's. */
    private String steps(SyncRun run, Instant started) {
        if (run.jobExecutionId() == null) {
            return "no job execution";
        }
        JobExecution execution = app.getBean(JobRepository.class).getJobExecution(run.jobExecutionId());
        LocalDateTime t0 = LocalDateTime.ofInstant(started, ZoneId.systemDefault());
        LocalDateTime ended = LocalDateTime.ofInstant(run.endedAt(), ZoneId.systemDefault());
        return execution.getStepExecutions().stream()
                .sorted(Comparator.comparing(StepExecution::getStartTime))
                .map(s -> String.format(Locale.ROOT, "%s %.2f s", s.getStepName(), seconds(s.getStartTime(), s.getEndTime())))
                .collect(Collectors.joining(", ", String.format(Locale.ROOT, "launch %.2f s, ",
                        seconds(t0, execution.getStartTime())), String.format(Locale.ROOT, ", job end to manifest end %.2f s",
                        seconds(execution.getEndTime(), ended))));
    }

    /**
     * Untimed in the comparison: what one plan costs in ours, through the product's {@link ObjectStores}: opening
     * each store (SDK client built) and listing it whole.
     */
    private String listingCosts(String sourceBucket, String targetBucket) {
        ObjectStores stores = app.getBean(ObjectStores.class);
        java.util.function.Function<String, dev.cutover.step.ResolvedConnection> connections = RunbookConnections.of(
                app.getBean(dev.cutover.runbook.RunbookCatalog.class).findValid("bench").orElseThrow(), "bench");
        StringBuilder out = new StringBuilder("ours listing costs (one pass each, untimed):");
        for (String[] side : List.of(new String[] {"gcs-src", sourceBucket}, new String[] {"s3-dst", targetBucket})) {
            for (int pass = 1; pass <= 2; pass++) {
                long t0 = System.nanoTime();
                try (ObjectStore store = stores.open(connections.apply(side[0]), side[1], "")) {
                    long opened = System.nanoTime();
                    long n;
                    try (Stream<?> listed = store.list("", null)) {
                        n = listed.count();
                    }
                    long t1 = System.nanoTime();
                    out.append(String.format(Locale.ROOT, " %s pass %d: open %.3f s, list %d objects %.3f s;", side[0],
                            pass, (opened - t0) / 1e9, n, (t1 - opened) / 1e9));
                }
            }
        }
        return out.toString();
    }

    private static double seconds(LocalDateTime start, LocalDateTime end) {
        return start == null || end == null ? Double.NaN : Duration.between(start, end).toNanos() / 1e9;
    }

    // ---- CPU accounting ----

    /**
     * CPU seconds so far: this JVM (our engine and the fake GCS), the fake's threads alone, S3Mock (by its pid,
     * from /proc, when {@code --s3mock-pid} is given). Two CPUs are shared by all three and rclone.
     */
    private record Cpu(double jvm, double fake, double s3mock) {

        Cpu minus(Cpu before) {
            return new Cpu(jvm - before.jvm, fake - before.fake, s3mock - before.s3mock);
        }

        String describe(double client) {
            return String.format(Locale.ROOT, "cpu s: client %.1f, fake GCS %.1f, S3Mock %s", client, fake,
                    Double.isNaN(s3mock) ? "?" : String.format(Locale.ROOT, "%.1f", s3mock));
        }
    }

    private Cpu cpu() {
        double jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double fake = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("fake-gcs") || t.getName().startsWith("HTTP-Dispatcher"))
                .mapToLong(t -> Math.max(0, threads.getThreadCpuTime(t.getId()))).sum() / 1e9;
        double s3mock = Double.NaN;
        String pid = options.get("s3mock-pid");
        if (pid != null) {
            try {
                String stat = Files.readString(Path.of("/proc", pid, "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                s3mock = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime, stime; CLK_TCK 100
            } catch (IOException | RuntimeException e) {
                s3mock = Double.NaN;
            }
        }
        return new Cpu(jvm, fake, s3mock);
    }

    /** CPU seconds of each live thread of this JVM (JIT compiler and GC threads included), by /proc/self/task. */
    private static Map<String, Double> nativeThreadCpu() {
        Map<String, Double> cpu = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    cpu.put(task.getFileName() + " " + name, (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0);
                } catch (IOException | RuntimeException ended) {
                    // the thread ended meanwhile
                }
            });
        } catch (IOException e) {
            return Map.of();
        }
        return cpu;
    }

    /** CPU of the run by kind of thread; threads that ended during the run (the copy pool's) are the remainder. */
    private static String threadCpuReport(Map<String, Double> before, Map<String, Double> after, double jvmTotal) {
        Map<String, Double> byKind = new java.util.TreeMap<>();
        double living = 0;
        for (Map.Entry<String, Double> e : after.entrySet()) {
            double used = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            living += used;
            String name = e.getKey().substring(e.getKey().indexOf(' ') + 1);
            String kind = name.startsWith("GC Thread") || name.startsWith("G1 ") ? "GC"
                    : name.startsWith("C2 Compiler") || name.startsWith("C1 Compiler") ? "JIT compiler"
                    : name.startsWith("fake-gcs") || name.startsWith("HTTP-Dispatcher") ? "fake GCS"
                    : name.replaceAll("\\d+", "#");
            byKind.merge(kind, used, Double::sum);
        }
        String kinds = byKind.entrySet().stream().filter(e -> e.getValue() >= 0.1)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "  cpu s by thread: %s, threads ended during the run (copy and lookup pools) %.1f",
                kinds, Math.max(0, jvmTotal - living));
    }

    /** bash's {@code times} format: {@code 1m2.345s}. */
    private static double bashSeconds(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)m([\\d.]+)s").matcher(text);
        return m.matches() ? Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2)) : Double.NaN;
    }

    // ---- checks and output ----

    private boolean verify(String bucket, long expectedObjects, List<String> changedKeys) {
        long count = 0;
        long bytes = 0;
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()) {
            count++;
            bytes += o.size();
        }
        long stale = changedKeys.stream()
                .filter(key -> !Arrays.equals(gcs.get(SOURCE, key), s3.getObjectAsBytes(r -> r.bucket(bucket).key(key))
                        .asByteArray()))
                .count();
        boolean ok = count == expectedObjects && stale == 0;
        say("check s3://%s: %d objects (source %d), %.1f MiB; changed objects with the new bytes: %d of %d -> %s",
                bucket, count, expectedObjects, bytes / (double) MIB, changedKeys.size() - stale, changedKeys.size(),
                ok ? "complete" : "INCOMPLETE");
        return ok;
    }

    private static Timed find(List<Timed> results, String tool, String run) {
        return results.stream().filter(t -> t.tool().equals(tool) && t.run().equals(run)).findFirst().orElseThrow();
    }

    private static void print(Timed t) {
        System.out.printf(Locale.ROOT, "%-6s %-5s: %7.2f s, %7.1f MiB/s, copied %d objects (%.1f MiB); %s%n",
                t.tool(), t.run(), t.seconds(), t.mibps(), t.objects(), t.bytes() / (double) MIB, t.detail());
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }

    private String bucket(String label) {
        String name = "bench-" + label + "-" + stamp;
        s3.createBucket(r -> r.bucket(name));
        buckets.add(name);
        return name;
    }

    /** Empties and deletes one of the benchmark's buckets (S3Mock slows down as it holds more objects). */
    private void deleteBucket(String bucket) {
        try {
            List<ObjectIdentifier> keys = new ArrayList<>();
            s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()
                    .forEach(o -> keys.add(ObjectIdentifier.builder().key(o.key()).build()));
            for (int i = 0; i < keys.size(); i += 1000) {
                List<ObjectIdentifier> batch = keys.subList(i, Math.min(keys.size(), i + 1000));
                s3.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
            }
            s3.deleteBucket(r -> r.bucket(bucket));
            buckets.remove(bucket);
        } catch (RuntimeException e) {
            System.err.println("could not delete s3://" + bucket + ": " + e.getMessage());
        }
    }

    /** Leaves the peers as found: our S3 buckets emptied and deleted, the fake's files removed. */
    private void cleanUp() {
        if (app != null) {
            app.close();
        }
        if (s3 != null) {
            for (String bucket : List.copyOf(buckets)) {
                deleteBucket(bucket);
            }
            s3.close();
        }
        if (gcs != null) {
            gcs.close();
        }
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not delete " + work + ": " + e.getMessage());
            }
        }
    }

    /**
     * Samples every thread's stack every 50 ms and counts, per thread group (name without digits) and state,
     * the first frame in our code or in the client libraries: a poor man's profiler of where our run waits
     * or works.
     */
    private static final class StackSampler {

        private final Map<String, Integer> frames = new LinkedHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;
        private int samples;

        StackSampler() {
            thread = new Thread(this::sample, "stack-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        private void sample() {
            while (running) {
                for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                    Thread t = e.getKey();
                    StackTraceElement[] stack = e.getValue();
                    if (t == thread || t.getName().startsWith("fake-gcs") || t.getName().equals("main")
                            || Stream.of(stack).noneMatch(f -> f.getClassName().startsWith("dev.cutover."))) {
                        continue; // the fake's threads, the benchmark's own, and threads not working for us
                    }
                    String group = t.getName().replaceAll("\\d+", "#");
                    synchronized (frames) {
                        frames.merge(group + " " + t.getState() + " @ " + interesting(stack), 1, Integer::sum);
                    }
                }
                samples++;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ex) {
                    return;
                }
            }
        }

        /** Top frame, first library frame (not the JDK's), first frame of ours. */
        private static String interesting(StackTraceElement[] stack) {
            String top = frame(stack[0]);
            String library = null;
            for (StackTraceElement f : stack) {
                String c = f.getClassName();
                if (c.startsWith("dev.cutover.")) {
                    return top + (library == null || library.equals(top) ? "" : " <- " + library) + " <- " + frame(f);
                }
                if (library == null && !c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")) {
                    library = frame(f);
                }
            }
            return top;
        }

        private static String frame(StackTraceElement f) {
            String c = f.getClassName().replaceFirst("^dev\\.cutover\\.", "");
            return c.substring(c.lastIndexOf('.', c.lastIndexOf('.') - 1) + 1) + "." + f.getMethodName()
                    + (f.getClassName().startsWith("dev.cutover.") ? ":" + f.getLineNumber() : "");
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        String report() {
            synchronized (frames) {
                return frames.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                        .limit(15)
                        .map(e -> String.format(Locale.ROOT, "    profile %5.1f threads avg  %s",
                                e.getValue() / (double) Math.max(1, samples), e.getKey()))
                        .collect(Collectors.joining("\n", "  stack samples (" + samples + "):\n", ""));
            }
        }
    }
}
