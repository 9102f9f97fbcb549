package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.integration.channel.QueueChannel;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A sync whose step asks for partitions, in the one shared service acting as manager and worker:
 * its copy is cut into key spans run as partitions, every object is copied exactly once (per the
 * manifest and the partitions' figures) and the final verification is clean.
 */
class PartitionedSyncTests extends ServiceTest {

    private static final int OBJECTS = 300;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    @Qualifier("partitionRequests")
    QueueChannel partitionRequests;

    @Test
    void aPartitionedFinalSyncCopiesEveryObjectOnceAndVerifiesClean() throws Exception {
        addRunbook("partitioned.yaml", """
                name: partitioned
                description: A bucket mapping synced in partitions
                environments:
                  local:
                    connections:
                      src: { type: filesystem, root: "@WORK@/partitioned-src" }
                      dst: { type: filesystem, root: "@WORK@/partitioned-dst" }
                phases:
                  - name: data-migration
                    steps:
                      - id: final-sync
                        type: storage-sync
                        owner: devops-lead
                        with: { source: src, sourceBucket: assets, target: dst, targetBucket: assets-aws, mode: final, partitions: 3, concurrency: 4 }
                """);
        Path source = RUNBOOKS.work().resolve("partitioned-src/assets");
        for (int i = 0; i < OBJECTS; i++) {
            write(source.resolve(String.format("%s/%03d.bin", i % 2 == 0 ? "img" : "doc", i)), "object " + i);
        }

        Api.Answer started = api.post("operator", "/api/syncs",
                "{\"runbook\":\"partitioned\",\"environment\":\"local\",\"step\":\"final-sync\"}");
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        long runId = started.body().path("run").path("id").asLong();
        JsonNode run = awaitRun(runId).path("run");

        assertThat(run.path("state").asString()).as(run.toString()).isEqualTo("COMPLETED");
        assertThat(run.path("copiedObjects").asLong()).isEqualTo(OBJECTS);
        assertThat(run.path("mismatches").asLong()).isZero();
        JsonNode partitions = api.get("viewer", "/api/syncs/" + runId + "/partitions").body();
        assertThat(partitions.path("partitioned").asBoolean()).isTrue();
        assertThat(partitions.path("partitions")).hasSize(3);
        long objects = 0;
        Set<String> bounds = new HashSet<>();
        for (JsonNode partition : partitions.path("partitions")) {
            assertThat(partition.path("state").asString()).isEqualTo("COMPLETED");
            assertThat(partition.path("objects").asLong()).as(partition.toString()).isPositive();
            assertThat(partition.path("instance").asString()).isNotBlank();
            objects += partition.path("objects").asLong();
            bounds.add(partition.path("upTo").asString(""));
        }
        assertThat(objects).as("objects copied by the partitions together").isEqualTo(OBJECTS);
        assertThat(bounds).hasSize(3);
        try (var copied = Files.walk(RUNBOOKS.work().resolve("partitioned-dst/assets-aws"))) {
            assertThat(copied.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".bin")).count())
                    .isEqualTo(OBJECTS);
        }
        // The next run of the mapping cuts its partitions from the split keys this one kept.
        assertThat(jdbc.sql("SELECT COUNT(*) FROM sync_split_key").query(Long.class).single()).isPositive();
    }

    private JsonNode awaitRun(long runId) {
        for (int i = 0; i < 300; i++) {
            JsonNode run = api.get("viewer", "/api/syncs/" + runId).body();
            if (!"RUNNING".equals(run.path("run").path("state").asString())) {
                return run;
            }
            Api.sleep(50);
        }
        throw new AssertionError("sync run " + runId + " did not end");
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
