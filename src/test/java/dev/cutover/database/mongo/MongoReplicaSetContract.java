package dev.cutover.database.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.connection.ClusterConnectionMode;
import dev.cutover.database.ReplicationLagGauges;
import dev.cutover.database.WritePosition;
import dev.cutover.step.ReadinessSignal;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.testsupport.RecordingStepContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the mongo steps must do against a three-member replica set (two GCP members, one AWS
 * member), whichever peer serves it: the stub here, a real replica set where Docker exists.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
abstract class MongoReplicaSetContract {

    protected ReplicaSetPeer peer;
    private final Map<String, MongoClient> clients = new LinkedHashMap<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** A fresh replica set, first member primary, every member caught up. */
    protected abstract ReplicaSetPeer startPeer();

    @BeforeEach
    void startReplicaSet() {
        peer = startPeer();
    }

    @AfterEach
    void stopReplicaSet() {
        clients.values().forEach(MongoClient::close);
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void statusListsEveryMemberWithStateLagAndTags() throws Exception {
        try (ReplicaSet replicaSet = ReplicaSet.open(context(Map.of()).connection("rs"))) {
            ReplicaSetStatus status = ReplicaSetStatus.read(replicaSet);
            assertThat(status.setName()).isEqualTo("rs0");
            assertThat(status.primaryName()).isEqualTo(peer.gcpPrimary());
            assertThat(status.members()).extracting(MemberStatus::name).containsExactlyElementsOf(peer.hosts());
            MemberStatus aws = status.member(peer.aws()).orElseThrow();
            assertThat(aws.stateStr()).isEqualTo("SECONDARY");
            assertThat(aws.tags()).containsEntry("cloud", "aws");
            assertThat(aws.optimeDate()).isNotNull();
            assertThat(status.lagSeconds(aws)).isPresent();
            assertThat(status.membersEvidence()).containsKeys(peer.hosts().toArray(String[]::new));
        }
    }

    @Test
    void gateStaysClosedWhileTheTargetIsBehindAndOpensOnceItCaughtUp() throws Exception {
        fallBehind(peer.aws(), Duration.ofSeconds(2));
        RecordingStepContext context = context(gate("1s")).timeout(Duration.ofSeconds(90));
        CompletableFuture<StepOutcome> gate = CompletableFuture.supplyAsync(() -> run(() -> lagGate().execute(context)));

        awaitProgress(context, "behind by more than 1s", 3);
        assertThat(gate).isNotDone();
        assertThat(lastProgress(context)).contains(peer.aws());
        assertThat(registry.get("cutover.replication.lag").tag("member", peer.aws()).gauge().value()).isGreaterThanOrEqualTo(2);

        peer.resumeReplication(peer.aws());
        StepOutcome opened = gate.get(90, TimeUnit.SECONDS);
        assertThat(opened.summary()).contains("open after 2 samples");
        assertThat(opened.evidence().get("samples").toString()).contains("verdict=outside", "verdict=within");
        assertThat(memberEvidence(opened, peer.aws())).containsKey("lagSeconds").containsEntry("state", "SECONDARY");
        assertThat(opened.evidence()).containsEntry("note", ReplicaSetStatus.STALENESS);
        assertThat(registry.get("cutover.replication.lag").tag("member", peer.aws()).gauge().value()).isLessThanOrEqualTo(1);
    }

    @Test
    void gateSelectsTargetsByTagAsWellAsByHost() throws Exception {
        Map<String, Object> byTag = new LinkedHashMap<>(gate("5s"));
        byTag.remove("members");
        byTag.put("tag", Map.of("cloud", "aws"));
        StepOutcome opened = lagGate().execute(context(byTag));
        assertThat(opened.summary()).contains(peer.aws());
    }

    @Test
    void gateFailsAtOnceOnAnUnhealthyTarget() {
        peer.makeUnhealthy(peer.aws());
        RecordingStepContext context = context(gate("5s")).timeout(peer.heartbeatDelay().plusSeconds(30));
        assertThatThrownBy(() -> lagGate().execute(context)).isInstanceOf(StepFailedException.class)
                .hasMessageContaining("target " + peer.aws() + " is unhealthy");
    }

    @Test
    void gateFailsAtOnceOnATargetThatIsNotSecondary() {
        peer.makeRecovering(peer.aws());
        RecordingStepContext context = context(gate("5s")).timeout(peer.heartbeatDelay().plusSeconds(30));
        assertThatThrownBy(() -> lagGate().execute(context)).isInstanceOf(StepFailedException.class)
                .hasMessageContaining(peer.aws() + " is RECOVERING, not SECONDARY");
    }

    @Test
    void readinessSignalIsReadyOnlyWhileTheTargetIsWithinBounds() throws Exception {
        MongoLagSignal signal = new MongoLagSignal(new ReplicationLagGauges(registry));
        RecordingStepContext context = context(Map.of("mongoMembers", Map.of("rs", peer.aws()), "maxMongoLag", "1s"));
        try (ReadinessSignal.Probe probe = signal.watch(context).orElseThrow()) {
            assertThat(probe.read()).singleElement().satisfies(reading -> assertThat(reading.ready()).isTrue());
            fallBehind(peer.aws(), Duration.ofSeconds(2));
            assertThat(probe.read()).singleElement().satisfies(reading -> {
                assertThat(reading.ready()).isFalse();
                assertThat(reading.summary()).contains("behind by more than 1s", peer.aws());
            });
            peer.resumeReplication(peer.aws());
            awaitCaughtUp();
            assertThat(probe.read()).singleElement().satisfies(reading -> assertThat(reading.ready()).isTrue());
        }
        assertThat(signal.watch(context(Map.of()))).isEmpty();
    }

    @Test
    void fsyncLockFreezesThePrimaryAndUnfreezeReleasesEveryLock() throws Exception {
        write(peer.gcpPrimary(), "orders", new Document("_id", 1));
        FsyncLockFreezeEngine engine = new FsyncLockFreezeEngine();
        RecordingStepContext context = context(Map.of());
        assertThat(engine.freeze(context.connection("rs"), context)).containsEntry("fsyncLock", "locked")
                .containsEntry("primary", peer.gcpPrimary());
        assertThat(engine.freeze(context.connection("rs"), context)).containsEntry("fsyncLock", "already locked");
        WritePosition frozen = engine.writePosition(context.connection("rs"));
        assertThat(frozen.detail()).containsEntry("op", "i");
        Thread.sleep(1200);
        assertThat(engine.writePosition(context.connection("rs")).sameAs(frozen)).isTrue();

        admin(peer.gcpPrimary(), new Document("fsync", 1).append("lock", true)); // someone locked once more
        assertThat(engine.unfreeze(context.connection("rs"), context)).containsEntry("fsyncUnlocks", 2);
        write(peer.gcpPrimary(), "orders", new Document("_id", 2));
        assertThat(engine.writePosition(context.connection("rs")).sameAs(frozen)).isFalse();
        assertThat(engine.unfreeze(context.connection("rs"), context)).containsEntry("fsyncUnlocks", 0);
    }

    @Test
    void promotionRefusesATargetThatIsBehind() throws Exception {
        fallBehind(peer.aws(), Duration.ofSeconds(1));
        RecordingStepContext context = context(promote());
        freeze(context);
        assertThatThrownBy(() -> promoteStep().execute(context)).isInstanceOf(StepFailedException.class)
                .hasMessageContaining(peer.aws() + " is behind the primary " + peer.gcpPrimary())
                .hasMessageContaining("promotion refused");
        assertThat(isWritablePrimary(peer.gcpPrimary())).isTrue(); // nothing changed: still primary, still frozen
        assertThat(admin(peer.gcpPrimary(), new Document("currentOp", 1)).getBoolean("fsyncLock", false)).isTrue();
        peer.resumeReplication(peer.aws());
        new FsyncLockFreezeEngine().unfreeze(context.connection("rs"), context);
        write(peer.gcpPrimary(), "orders", new Document("_id", "after-unfreeze"));
    }

    @Test
    void promotionRefusesWhileWritesStillLand() throws Exception {
        RecordingStepContext context = context(promote());
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 40; i++) {
                write(peer.gcpPrimary(), "orders", new Document("_id", "w" + i));
                sleep(50);
            }
        });
        assertThatThrownBy(() -> promoteStep().execute(context)).isInstanceOf(StepFailedException.class)
                .hasMessageContaining("writes are not frozen on the primary " + peer.gcpPrimary());
        writer.get(30, TimeUnit.SECONDS);
    }

    @Test
    void promotionMakesTheTargetPrimaryAndItsRollbackRestoresTheOriginal() throws Exception {
        write(peer.gcpPrimary(), "orders", new Document("_id", 1).append("item", "book"));
        awaitCaughtUp();
        Map<String, Object> prioritiesBefore = priorities();
        RecordingStepContext context = context(promote());
        freeze(context);

        StepOutcome promoted = promoteStep().verify(context, promoteStep().execute(context));
        assertThat(promoted.summary()).contains(peer.aws() + " is primary of rs0 (was " + peer.gcpPrimary() + ")");
        assertThat(promoted.evidence()).containsEntry("frozenBy", "fsync-lock").containsEntry("fsyncUnlocksBeforeStepDown", 1)
                .containsKeys("membersBefore", "membersAfter", "timingsMs").containsEntry("losslessRollback", true);
        assertThat(isWritablePrimary(peer.aws())).isTrue();
        assertThatThrownBy(() -> write(peer.gcpPrimary(), "orders", new Document("_id", 2)))
                .isInstanceOf(MongoException.class).extracting(e -> ((MongoException) e).getCode()).isEqualTo(10107);
        write(peer.aws(), "orders", new Document("_id", 3).append("item", "pen"));
        assertThat(client(peer.aws()).getDatabase("shop").getCollection("orders").find(Filters.eq("_id", 3)).first())
                .containsEntry("item", "pen");
        assertThat(promoteStep().execute(context).summary()).contains("already primary");

        awaitCaughtUp();
        StepOutcome handedBack = promoteStep().rollback(context);
        assertThat(handedBack.summary()).contains(peer.gcpPrimary() + " is primary of rs0 again (was " + peer.aws() + ")");
        assertThat(isWritablePrimary(peer.gcpPrimary())).isTrue();
        assertThat(isWritablePrimary(peer.aws())).isFalse();
        write(peer.gcpPrimary(), "orders", new Document("_id", 4));
        Document config = admin(peer.gcpPrimary(), new Document("replSetGetConfig", 1)).get("config", Document.class);
        assertThat(PriorityReconfig.marked(config)).isFalse();
        assertThat(priorities()).isEqualTo(prioritiesBefore);
        assertThat(promoteStep().rollback(context).summary()).contains("nothing to hand back");
        assertThat(new FsyncLockFreezeEngine().unfreeze(context.connection("rs"), context)).containsEntry("fsyncUnlocks", 0);
    }

    @Test
    void retiringTheOldMembersIsThePointOfNoReturn() throws Exception {
        RecordingStepContext context = context(promote());
        freeze(context);
        promoteStep().execute(context);
        RecordingStepContext retire = context(Map.of("connection", "rs", "tag", Map.of("cloud", "gcp")));

        StepOutcome retired = new MongoRetireMembersStepType().execute(retire);
        assertThat(retired.evidence().get("removed")).isEqualTo(List.of(peer.gcpPrimary(), peer.gcpSecondary()));
        assertThat(retired.evidence()).containsEntry("losslessRollback", false);
        assertThat(retired.evidence().get("rollbackWouldLose").toString()).contains("no longer replicate");
        Document config = admin(peer.aws(), new Document("replSetGetConfig", 1)).get("config", Document.class);
        assertThat(config.getList("members", Document.class)).extracting(member -> member.getString("host"))
                .containsExactly(peer.aws());
        assertThat(PriorityReconfig.marked(config)).isFalse();
        assertThatThrownBy(() -> new MongoRetireMembersStepType().rollback(retire)).isInstanceOf(StepFailedException.class)
                .hasMessageContaining("point of no return");
        assertThat(promoteStep().rollback(context).summary()).contains("nothing to hand back");
    }

    @Test
    void verifyComparesCollectionsAndListsEveryMismatch() throws Exception {
        for (int i = 0; i < 20; i++) {
            write(peer.gcpPrimary(), "orders", new Document("_id", i).append("total", i * 10));
            write(peer.gcpPrimary(), "customers", new Document("_id", i).append("name", "c" + i));
        }
        awaitCaughtUp();
        RecordingStepContext context = context(Map.of("connection", "rs", "source", peer.gcpPrimary(), "target", peer.aws()));
        StepOutcome same = new MongoVerifyStepType().execute(context);
        assertThat(same.summary()).contains("2 collections in 1 database(s) match");
        assertThat(same.evidence()).containsEntry("mismatchCount", 0);

        peer.pauseReplication(peer.aws());
        client(peer.gcpPrimary()).getDatabase("shop").getCollection("orders")
                .updateOne(Filters.eq("_id", 7), Updates.set("total", 71));
        try {
            assertThatThrownBy(() -> new MongoVerifyStepType().execute(context)).isInstanceOf(StepFailedException.class)
                    .hasMessageContaining("1 of 2 collections differ")
                    .hasMessageContaining("shop.orders (hashes differ)")
                    .satisfies(e -> assertThat(((StepFailedException) e).evidence().get("mismatches").toString())
                            .contains("namespace=shop.orders").doesNotContain("shop.customers"));
        } finally {
            peer.resumeReplication(peer.aws());
        }
    }

    @Test
    void aSnapshotExportsEveryCollectionInMongodumpLayoutAndProvesItRestores(@TempDir Path root) throws Exception {
        for (int i = 0; i < 1200; i++) {
            write(peer.gcpPrimary(), "orders", new Document("_id", i).append("total", i * 10).append("note", "n" + i));
        }
        write(peer.gcpPrimary(), "customers", new Document("_id", "c1").append("name", "Ada"));
        client(peer.gcpPrimary()).getDatabase("shop").getCollection("customers")
                .createIndex(new Document("name", 1), new com.mongodb.client.model.IndexOptions().name("by_name"));
        client(peer.gcpPrimary()).getDatabase("shop").createCollection("empty_one");
        awaitCaughtUp();
        Map<String, Object> with = new LinkedHashMap<>();
        with.put("connection", "rs");
        with.put("databases", List.of("shop"));
        with.put("store", "store");
        with.put("bucket", "snapshots");
        RecordingStepContext context = context(with).connection("store", "filesystem", Map.of("root", root.toString()));
        MongoSnapshotStepType step = new MongoSnapshotStepType(new dev.cutover.storage.ObjectStores(Map.of("filesystem",
                (settings, bucket, prefix) -> new dev.cutover.storage.filesystem.FilesystemObjectStore(
                        Path.of(settings.apply("root").orElseThrow()).resolve(bucket).resolve(prefix)))));

        StepOutcome outcome = step.execute(context);

        String directory = (String) outcome.evidence().get("key");
        assertThat(directory).startsWith("snapshots/c-test/rs/test-step-").endsWith("/");
        Path base = root.resolve("snapshots").resolve(directory);
        byte[] orders = java.nio.file.Files.readAllBytes(base.resolve("shop/orders.bson"));
        assertThat(new BsonDocuments(new java.io.ByteArrayInputStream(orders), "orders")).toIterable().hasSize(1200);
        assertThat(java.nio.file.Files.readString(base.resolve("shop/customers.metadata.json"))).contains("\"by_name\"");
        assertThat(java.nio.file.Files.readString(base.resolve("manifest.json"))).contains("shop/orders.bson");
        assertThat(outcome.evidence()).containsEntry("collections", 3).containsEntry("documents", 1201L);
        assertThat(outcome.evidence().get("objects").toString()).contains("crc32c=" + dev.cutover.storage.Crc32c.of(orders));
        assertThat(outcome.summary()).contains("restore check passed");
        assertThat(context.snapshots()).singleElement().satisfies(snapshot -> {
            assertThat(snapshot.kind()).isEqualTo("mongo");
            assertThat(snapshot.restoreCheck()).isEqualTo(dev.cutover.step.Snapshot.RestoreCheck.PASSED);
            assertThat(snapshot.position()).startsWith("oplog ");
        });
        assertThat(client(peer.gcpPrimary()).listDatabaseNames().into(new java.util.ArrayList<>()))
                .noneMatch(name -> name.startsWith("cutover_restore_"));

        // One byte flipped in the stored export: the check reads it back and says the object changed.
        orders[orders.length / 2] ^= 0x01;
        java.nio.file.Files.write(base.resolve("shop/orders.bson"), orders);
        List<MongoSnapshotStepType.Exported> exported = new java.util.ArrayList<>();
        for (Object object : (List<?>) outcome.evidence().get("objects")) {
            Map<?, ?> o = (Map<?, ?>) object;
            String key = (String) o.get("key");
            String collection = key.substring(key.lastIndexOf('/') + 1).replace(".bson", "");
            String metadata = java.nio.file.Files.readString(base.resolve("shop/" + collection + ".metadata.json"));
            exported.add(new MongoSnapshotStepType.Exported("shop", collection, key, (Long) o.get("size"),
                    (String) o.get("crc32c"), (Long) o.get("documents"), key.replace(".bson", ".metadata.json"), metadata,
                    metadata.length()));
        }
        try (ReplicaSet replicaSet = ReplicaSet.open(context.connection("rs"));
             dev.cutover.storage.ObjectStore store = new dev.cutover.storage.filesystem.FilesystemObjectStore(
                     root.resolve("snapshots"))) {
            MongoRestoreCheck.Result check = MongoRestoreCheck.run(replicaSet, peer.gcpPrimary(), peer.gcpPrimary(),
                    store, exported);
            assertThat(check.passed()).isFalse();
            assertThat(check.detail()).contains("shop/orders.bson read back has CRC32C")
                    .contains("changed or corrupted in the store");
        }
        assertThat(client(peer.gcpPrimary()).listDatabaseNames().into(new java.util.ArrayList<>()))
                .noneMatch(name -> name.startsWith("cutover_restore_"));
    }

    // ---- helpers ------------------------------------------------------------------------------

    protected RecordingStepContext context(Map<String, Object> with) {
        return new RecordingStepContext(with).connection("rs", "mongo", Map.of("uri", peer.uri())).timeout(Duration.ofSeconds(60));
    }

    private Map<String, Object> gate(String maxLag) {
        Map<String, Object> with = new LinkedHashMap<>();
        with.put("connection", "rs");
        with.put("members", List.of(peer.aws()));
        with.put("maxLag", maxLag);
        with.put("consecutive", "2");
        with.put("interval", "200ms");
        return with;
    }

    private Map<String, Object> promote() {
        return Map.of("connection", "rs", "target", peer.aws(), "catchUpWait", "1s", "stepDownSecs", "30");
    }

    private MongoLagGateStepType lagGate() {
        return new MongoLagGateStepType(new ReplicationLagGauges(registry));
    }

    private static MongoPromoteStepType promoteStep() {
        return new MongoPromoteStepType();
    }

    private static void freeze(RecordingStepContext context) throws Exception {
        new FsyncLockFreezeEngine().freeze(context.connection("rs"), context);
    }

    /** Pauses the member's replication and writes on the primary {@code by} apart, so its optime lags that much. */
    protected void fallBehind(String host, Duration by) {
        peer.pauseReplication(host);
        write(peer.gcpPrimary(), "ticks", new Document("at", "start"));
        sleep(by.toMillis() + 1100); // optimes have one-second resolution
        write(peer.gcpPrimary(), "ticks", new Document("at", "end"));
    }

    /** Waits until every member has applied the primary's last write (at once on the stub). */
    protected void awaitCaughtUp() throws Exception {
        try (ReplicaSet replicaSet = ReplicaSet.open(context(Map.of()).connection("rs"))) {
            for (int i = 0; i < 150; i++) {
                ReplicaSetStatus status = ReplicaSetStatus.read(replicaSet);
                OpTime primary = status.primary().orElseThrow().optime();
                if (status.members().stream().allMatch(member -> primary.equals(member.optime()))) {
                    return;
                }
                sleep(200);
            }
        }
        throw new AssertionError("members did not catch up");
    }

    protected void write(String host, String collection, Document document) {
        client(host).getDatabase("shop").getCollection(collection).insertOne(document);
    }

    protected Document admin(String host, Document command) {
        return client(host).getDatabase("admin").runCommand(command);
    }

    private Map<String, Object> priorities() {
        Document config = admin(peer.gcpPrimary(), new Document("replSetGetConfig", 1)).get("config", Document.class);
        Map<String, Object> priorities = new LinkedHashMap<>();
        config.getList("members", Document.class).forEach(member -> priorities.put(member.getString("host"),
                member.get("priority", Number.class).doubleValue()));
        return priorities;
    }

    private boolean isWritablePrimary(String host) {
        return admin(host, new Document("hello", 1)).getBoolean("isWritablePrimary", false);
    }

    /** A direct connection to one member, as an application or an operator's shell would open it. */
    protected synchronized MongoClient client(String host) {
        return clients.computeIfAbsent(host, h -> MongoClients.create(MongoClientSettings.builder()
                .applyToClusterSettings(cluster -> cluster.hosts(List.of(new ServerAddress(h)))
                        .mode(ClusterConnectionMode.SINGLE).serverSelectionTimeout(5, TimeUnit.SECONDS))
                .applyToSocketSettings(socket -> socket.readTimeout(5, TimeUnit.SECONDS))
                .retryWrites(false).build()));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> memberEvidence(StepOutcome outcome, String host) {
        return (Map<String, Object>) ((Map<String, Object>) outcome.evidence().get("members")).get(host);
    }

    private static void awaitProgress(RecordingStepContext context, String text, int times) {
        for (int i = 0; i < 300; i++) {
            if (context.progress().stream().filter(p -> p.message().contains(text)).count() >= times) {
                return;
            }
            sleep(100);
        }
        throw new AssertionError("no " + times + " progress lines with '" + text + "': " + context.progress());
    }

    private static String lastProgress(RecordingStepContext context) {
        List<RecordingStepContext.Progress> progress = context.progress();
        return progress.get(progress.size() - 1).message();
    }

    interface Work<T> {
        T run() throws Exception;
    }

    private static <T> T run(Work<T> work) {
        try {
            return work.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
