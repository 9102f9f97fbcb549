package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The kill -9 drill for a bucket sync: the packaged jar syncs 6,000 objects between two
 * directories (filesystem stores), is killed with SIGKILL once some chunks are committed, and is
 * started again. The cutover shows the sync step INTERRUPTED and its run INTERRUPTED; restarting
 * the phase resumes that same run after its last committed chunk, so objects already on the
 * target are skipped (their files are never rewritten) rather than uploaded again, and the
 * verification step that follows finds source and target identical. The temp dir (runbook,
 * buckets, database, service logs) is kept when the test fails.
 */
class StorageCrashRecoveryIT {

    private static final String PHASE = "data-migration";
    private static final int DIRECTORIES = 60;
    private static final int FILES_PER_DIRECTORY = 100;
    private static final int FILE_SIZE = 32 * 1024;
    private static final int TOTAL = DIRECTORIES * FILES_PER_DIRECTORY;
    /** Kill once this many objects are committed: at least two chunks of 100, far from the end. */
    private static final int KILL_AFTER = 200;
    /** Files the store is writing (renamed into place when complete) and its sidecar tree: not objects. */
    private static final String TEMP_PREFIX = ".cutover-tmp-";
    private static final String META_DIR = ".cutover-meta";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path root;

    private ServiceProcess service;

    @Test
    void killNineMidSyncThenRestartResumesTheRunAndVerifiesClean() throws Exception {
        long began = System.nanoTime();
        Path source = root.resolve("src/b");
        Path target = root.resolve("dst/b");
        writeRunbook();
        seed(source);
        service = ServiceProcess.quickStarting(root);
        service.start("first-run.log");
        Api api = service.api();

        Api.Answer created = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"sync-crash\",\"environment\":\"local\",\"rehearsal\":true}");
        assertThat(created.status()).as("create: %s%s", created.text(), service.logTail()).isEqualTo(201);
        String id = created.body().path("id").asString();
        Api.Answer started = api.post("operator", "/api/cutovers/" + id + "/phases/" + PHASE + "/start", null);
        assertThat(started.status()).as("start: %s%s", started.text(), service.logTail()).isEqualTo(202);

        JsonNode before = awaitCopied(api, id, KILL_AFTER, 90);
        long runId = before.path("id").asLong();
        long copiedSeen = before.path("copiedObjects").asLong();
        long killedAt = System.nanoTime();
        service.killNine(); // SIGKILL mid-chunk: no shutdown hooks, no graceful stop of the batch job

        Map<String, Object> onTargetAtKill = fileKeys(target);
        long tempFilesAtKill = tempFiles(target);

        service.start("second-run.log");
        JsonNode cutover = api.get("viewer", "/api/cutovers/" + id).body();
        String seen = cutover + service.logTail();
        assertThat(cutover.path("state").asString()).as(seen).isEqualTo("INTERRUPTED");
        assertThat(Api.stepState(cutover, "full-sync")).as(seen).isEqualTo("INTERRUPTED");
        assertThat(Api.stepState(cutover, "verify")).as(seen).isEqualTo("PENDING");
        JsonNode interrupted = api.get("viewer", "/api/syncs/" + runId).body().path("run");
        assertThat(interrupted.path("state").asString()).as("sync run after the crash: %s%s", interrupted,
                service.logTail()).isEqualTo("INTERRUPTED");
        long copiedAtCrash = interrupted.path("copiedObjects").asLong();
        assertThat(copiedAtCrash).as("objects committed at the kill (seen before it: %d)", copiedSeen)
                .isGreaterThanOrEqualTo(copiedSeen).isLessThan(TOTAL);
        assertThat(onTargetAtKill.size()).as("objects on the target at the kill: the committed ones and at most "
                + "the chunk in flight").isGreaterThanOrEqualTo((int) copiedAtCrash);
        List<String> events = new ArrayList<>();
        for (JsonNode event : api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").body().path("events")) {
            events.add(event.path("actor").asString() + " " + event.path("action").asString() + " "
                    + event.path("outcome").asString());
        }
        assertThat(events).as("event log (actor action outcome)").contains("system phase interrupted");

        long restartedAt = System.nanoTime();
        Api.Answer restarted = api.post("operator", "/api/cutovers/" + id + "/phases/" + PHASE + "/restart", null);
        assertThat(restarted.status()).as("restart: %s%s", restarted.text(), service.logTail()).isEqualTo(202);
        JsonNode ended = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), 120);
        long resumedMillis = (System.nanoTime() - restartedAt) / 1_000_000;
        seen = ended + service.logTail();
        assertThat(ended.path("state").asString()).as(seen).isEqualTo("COMPLETED");
        assertThat(Api.stepState(ended, "full-sync")).as(seen).isEqualTo("SUCCEEDED");
        assertThat(Api.stepState(ended, "verify")).as(seen).isEqualTo("SUCCEEDED");

        // The same run, resumed after its last committed chunk: not a new run, not a wholesale re-upload.
        JsonNode run = api.get("viewer", "/api/syncs/" + runId).body().path("run");
        assertThat(run.path("state").asString()).as("sync run %d: %s", runId, run).isEqualTo("COMPLETED");
        assertThat(syncRunsOf(api, id, "full-sync")).as("sync runs of step full-sync").containsExactly(runId);
        assertThat(Api.step(ended, "full-sync").path("output").path("evidence").path("syncRunId").asLong())
                .as("the run the step reports").isEqualTo(runId);
        long copied = run.path("copiedObjects").asLong();
        assertThat(run.path("plannedObjects").asLong()).as("planned objects: %s", run).isEqualTo(TOTAL);
        assertThat(copied).as("objects copied by the run in all, counting those the cut-off chunk had copied "
                + "(a wholesale re-upload would exceed %d): %s", TOTAL, run).isEqualTo(TOTAL);
        assertThat(run.path("failedObjects").asLong()).as("failed objects: %s", run).isZero();
        long copiedByResume = copied - copiedAtCrash;
        assertThat(copiedByResume).as("objects copied after the restart").isLessThanOrEqualTo(TOTAL - copiedAtCrash);

        JsonNode verify = Api.step(ended, "verify").path("output");
        assertThat(verify.path("summary").asString()).as("verify step: %s", verify).contains("no mismatch");
        assertThat(verify.path("evidence").path("mismatches").asLong()).as("verify step: %s", verify).isZero();
        assertThat(verify.path("evidence").path("listedObjects").asLong()).as("verify step: %s", verify)
                .isEqualTo(TOTAL);

        // Every object is on the target, byte for byte; no file that was there at the kill was rewritten.
        assertThat(objects(target)).as("objects on the target").isEqualTo(objects(source));
        List<String> different = new ArrayList<>();
        for (String key : objects(source)) {
            if (Files.mismatch(source.resolve(key), target.resolve(key)) != -1) {
                different.add(key);
            }
        }
        assertThat(different).as("objects whose bytes differ between source and target").isEmpty();
        Map<String, Object> onTargetAtEnd = fileKeys(target);
        List<String> rewritten = new ArrayList<>();
        onTargetAtKill.forEach((key, file) -> {
            if (!file.equals(onTargetAtEnd.get(key))) {
                rewritten.add(key);
            }
        });
        assertThat(rewritten).as("objects on the target at the kill that were uploaded again after the restart")
                .isEmpty();

        System.out.printf("StorageCrashRecoveryIT: %d objects of %d KiB; sync run %d: %d committed when polled, "
                        + "%d committed at the kill (%d on the target, %d partial temp files), %d copied after the "
                        + "restart, %d in all (%d found already copied: the chunk in flight); resume and verify took "
                        + "%d ms, kill at %d ms, test %d ms%n", TOTAL, FILE_SIZE / 1024, runId, copiedSeen,
                copiedAtCrash, onTargetAtKill.size(), tempFilesAtKill, copiedByResume, copied, TOTAL - copied,
                resumedMillis, (killedAt - began) / 1_000_000, (System.nanoTime() - began) / 1_000_000);
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    private void writeRunbook() throws IOException {
        Path runbooks = Files.createDirectories(root.resolve("runbooks"));
        String mapping = "source: src, sourceBucket: b, target: dst, targetBucket: b";
        Files.writeString(runbooks.resolve("sync-crash.yaml"), """
                name: sync-crash
                description: A full bucket sync long enough to kill the service under (StorageCrashRecoveryIT)
                environments:
                  local:
                    connections:
                      src: { type: filesystem, root: "%s" }
                      dst: { type: filesystem, root: "%s" }
                phases:
                  - name: %s
                    steps:
                      - id: full-sync
                        type: storage-sync
                        with: { %s, mode: full, concurrency: 2 }
                      - id: verify
                        type: storage-verify
                        with: { %s }
                """.formatted(root.resolve("src"), root.resolve("dst"), PHASE, mapping, mapping));
    }

    /** {@link #TOTAL} files of random bytes, {@link #FILES_PER_DIRECTORY} per directory. */
    private static void seed(Path bucket) throws IOException {
        Random random = new Random(20261122);
        byte[] bytes = new byte[FILE_SIZE];
        for (int d = 0; d < DIRECTORIES; d++) {
            Path directory = Files.createDirectories(bucket.resolve("d%02d".formatted(d)));
            for (int f = 0; f < FILES_PER_DIRECTORY; f++) {
                random.nextBytes(bytes);
                Files.write(directory.resolve("f%03d.bin".formatted(f)), bytes);
            }
        }
    }

    /**
     * Polls GET /api/syncs until the cutover's full-sync run has committed at least {@code copied}
     * objects; fails if the run ends first (then the sync is too short for this drill: seed more).
     */
    private JsonNode awaitCopied(Api api, String cutoverId, long copied, int seconds) {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            for (JsonNode view : api.get("viewer", "/api/syncs").body()) {
                JsonNode run = view.path("run");
                if (cutoverId.equals(run.path("cutoverId").asString()) && "full-sync".equals(run.path("stepId").asString())) {
                    last = run;
                }
            }
            if (last != null) {
                assertThat(last.path("state").asString()).as("the sync ended before the kill: %s", last)
                        .isEqualTo("RUNNING");
                if (last.path("copiedObjects").asLong() >= copied) {
                    assertThat(last.path("copiedObjects").asLong()).as("copied before the kill: the sync is too "
                            + "short for this drill").isLessThan(TOTAL);
                    return last;
                }
            }
            Api.sleep(20);
        }
        return fail("the sync run did not copy %d objects in %d s; last: %s%s", copied, seconds, last,
                service.logTail());
    }

    private static List<Long> syncRunsOf(Api api, String cutoverId, String stepId) {
        List<Long> ids = new ArrayList<>();
        for (JsonNode view : api.get("viewer", "/api/syncs").body()) {
            JsonNode run = view.path("run");
            if (cutoverId.equals(run.path("cutoverId").asString()) && stepId.equals(run.path("stepId").asString())) {
                ids.add(run.path("id").asLong());
            }
        }
        return ids;
    }


    /** The objects of a filesystem bucket: its files, without the store's sidecars and temp files. */
    private static TreeSet<String> objects(Path bucket) throws IOException {
        return new TreeSet<>(fileKeys(bucket).keySet());
    }

    /** Each object's file identity (device and inode on Linux): a re-upload renames a new file into place. */
    private static Map<String, Object> fileKeys(Path bucket) throws IOException {
        Map<String, Object> keys = new TreeMap<>();
        if (!Files.isDirectory(bucket)) {
            return keys;
        }
        try (Stream<Path> files = Files.walk(bucket)) {
            files.filter(Files::isRegularFile)
                    .filter(file -> !bucket.relativize(file).startsWith(META_DIR))
                    .filter(file -> !file.getFileName().toString().startsWith(TEMP_PREFIX))
                    .forEach(file -> {
                        try {
                            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                            keys.put(bucket.relativize(file).toString().replace('\\', '/'),
                                    List.of(attributes.fileKey(), attributes.lastModifiedTime().toMillis()));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
        return keys;
    }

    /** Partial files the store was writing when the process died (left behind; listings skip them). */
    private static long tempFiles(Path bucket) throws IOException {
        if (!Files.isDirectory(bucket)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(bucket)) {
            return files.filter(file -> file.getFileName().toString().startsWith(TEMP_PREFIX)).count();
        }
    }
}
