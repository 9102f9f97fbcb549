package dev.cutover.database.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.cutover.step.Snapshot.RestoreCheck;
import dev.cutover.step.StepOutcome;
import dev.cutover.storage.ObjectStores;
import dev.cutover.storage.filesystem.FilesystemObjectStore;
import dev.cutover.testsupport.RecordingStepContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mongo steps against the stub replica set: runs everywhere. */
class StubReplicaSetTests extends MongoReplicaSetContract {

    @Override
    protected ReplicaSetPeer startPeer() {
        return new StubReplicaSetPeer();
    }

    /**
     * Stub-only: the stub refuses writes while fsync-locked (a real mongod would make them wait), which is
     * exactly why a snapshot taken under an fsync-lock freeze needs {@code restoreOn}: a set that is not frozen.
     */
    @Test
    void underAnFsyncLockTheRestoreCheckRunsOnTheRestoreOnSetAndComparesWithTheFrozenSource(@TempDir Path root)
            throws Exception {
        for (int i = 0; i < 300; i++) {
            write(peer.gcpPrimary(), "orders", new Document("_id", i).append("total", i));
        }
        awaitCaughtUp();
        admin(peer.gcpPrimary(), new Document("fsync", 1).append("lock", true));
        try (StubReplicaSet scratch = StubReplicaSet.start("scratch", Map.of())) {
            Map<String, Object> with = new LinkedHashMap<>();
            with.put("connection", "rs");
            with.put("databases", List.of("shop"));
            with.put("store", "store");
            with.put("bucket", "snapshots");
            with.put("verify", "true");
            with.put("restoreOn", "scratch");
            RecordingStepContext context = context(with).connection("store", "filesystem", Map.of("root", root.toString()))
                    .connection("scratch", "mongo", Map.of("uri", scratch.uri()));
            MongoSnapshotStepType step = new MongoSnapshotStepType(new ObjectStores(Map.of("filesystem",
                    (settings, bucket, prefix) -> new FilesystemObjectStore(
                            Path.of(settings.apply("root").orElseThrow()).resolve(bucket).resolve(prefix)))));

            assertThat(step.parameters()).as("validated at load as a mongo connection, at with.restoreOn")
                    .filteredOn(p -> p.name().equals("restoreOn")).singleElement().satisfies(p -> {
                        assertThat(p.kind()).isEqualTo(dev.cutover.step.StepParameter.Kind.CONNECTION);
                        assertThat(p.allowedValues()).containsExactly("mongo");
                    });

            StepOutcome outcome = step.execute(context);

            assertThat(outcome.summary()).contains("restore check passed", "restored on " + scratch.primary());
            assertThat(outcome.evidence().get("restoreCheck").toString()).contains("on=scratch");
            assertThat(context.snapshots()).singleElement()
                    .satisfies(s -> assertThat(s.restoreCheck()).isEqualTo(RestoreCheck.PASSED));
            try (MongoClient client = MongoClients.create(scratch.uri())) {
                assertThat(client.listDatabaseNames().into(new ArrayList<>()))
                        .as("scratch databases dropped after the check").noneMatch(n -> n.startsWith("cutover_restore_"));
            }
        } finally {
            admin(peer.gcpPrimary(), new Document("fsyncUnlock", 1));
        }
    }
}
