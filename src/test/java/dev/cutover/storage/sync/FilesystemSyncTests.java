package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A runbook's storage-sync and storage-verify steps between two real directories, driven over
 * REST: full sync, then a delta that copies only what changed, a verification, and a mismatch
 * report when the target is tampered with.
 */
class FilesystemSyncTests extends ServiceTest {

    @Test
    void fullSyncThenDeltaCopiesOnlyWhatChangedAndVerifies() throws Exception {
        Path source = RUNBOOKS.work().resolve("storage-src/assets");
        Path target = RUNBOOKS.work().resolve("storage-dst/assets-aws");
        for (int i = 0; i < 250; i++) {
            write(source.resolve(String.format("img/%03d.png", i)), "image " + i);
        }
        write(source.resolve("docs/readme.txt"), "hello");
        write(source.resolve("logs/2026-11-01.log"), "left behind on purpose");

        Api.Answer plan = api.post("operator", "/api/syncs/plan",
                "{\"runbook\":\"storage\",\"environment\":\"local\",\"step\":\"full-sync\"}");
        assertThat(plan.status()).isEqualTo(200);
        assertThat(plan.body().path("objectsToCopy").asLong()).isEqualTo(251);
        assertThat(plan.body().path("differences").path("NEW").path("objects").asLong()).isEqualTo(251);
        assertThat(plan.body().path("bytesToCopy").asLong()).isEqualTo(bytesOutsideLogs(source));
        assertThat(plan.body().path("egressPricePerGiB").asDouble()).isEqualTo(0.12);
        assertThat(plan.body().path("currency").asString()).isEqualTo("USD");

        String id = createCutover("storage");
        api.post("operator", "/api/cutovers/" + id + "/phases/data-migration/start", null);
        JsonNode done = api.awaitState(id, "COMPLETED");
        assertThat(Files.readString(target.resolve("img/007.png"))).isEqualTo("image 7");
        assertThat(target.resolve("logs")).doesNotExist();
        assertThat(done.toString()).contains("\"copiedObjects\":251", "verified 251 objects");

        write(source.resolve("img/007.png"), "image 7, retouched");
        write(source.resolve("img/new.png"), "brand new");
        Api.Answer delta = api.post("operator", "/api/syncs",
                "{\"runbook\":\"storage\",\"environment\":\"local\",\"step\":\"full-sync\",\"mode\":\"delta\"}");
        assertThat(delta.status()).isEqualTo(202);
        JsonNode run = awaitRun(delta.body().path("run").path("id").asLong());
        assertThat(run.path("run").path("kind").asString()).isEqualTo("sync");
        assertThat(run.path("run").path("state").asString()).isEqualTo("COMPLETED");
        assertThat(run.path("run").path("copiedObjects").asLong()).isEqualTo(2);
        assertThat(run.path("run").path("skippedObjects").asLong()).isEqualTo(250);
        assertThat(run.path("progress").path("bytesDone").asLong()).isEqualTo(run.path("progress").path("bytesTotal").asLong());
        assertThat(Files.readString(target.resolve("img/007.png"))).isEqualTo("image 7, retouched");
        String stream = api.get("viewer", "/api/syncs/" + run.path("run").path("id").asLong() + "/events").text();
        assertThat(stream).contains("event:progress", "\"state\":\"COMPLETED\"", "\"bytesTotal\"");

        write(target.resolve("img/008.png"), "tampered!");
        Api.Answer verify = api.post("operator", "/api/syncs/verify",
                "{\"runbook\":\"storage\",\"environment\":\"local\",\"step\":\"verify-assets\"}");
        JsonNode verified = awaitRun(verify.body().path("run").path("id").asLong());
        assertThat(verified.path("run").path("kind").asString()).isEqualTo("verify");
        assertThat(verified.path("run").path("state").asString()).isEqualTo("FAILED");
        assertThat(verified.path("run").path("mismatches").asLong()).isEqualTo(1);
        long runId = verified.path("run").path("id").asLong();
        String csv = api.get("viewer", "/api/syncs/" + runId + "/report.csv").text();
        assertThat(csv).startsWith("key,kind,").contains("img/008.png,SIZE_DIFFERS");
        JsonNode report = api.get("viewer", "/api/syncs/" + runId + "/report.json").body();
        assertThat(report.path("mismatches").get(0).path("key").asString()).isEqualTo("img/008.png");
        assertThat(report.path("prefixes").toString()).contains("img/");
    }

    private JsonNode awaitRun(long runId) {
        for (int i = 0; i < 300; i++) {
            JsonNode run = api.get("viewer", "/api/syncs/" + runId).body();
            if (!"RUNNING".equals(run.path("run").path("state").asString())) {
                return run;
            }
            Api.sleep(100);
        }
        throw new AssertionError("sync run " + runId + " did not end");
    }

    private static long bytesOutsideLogs(Path root) throws IOException {
        try (var files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(f -> !root.relativize(f).startsWith("logs"))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
