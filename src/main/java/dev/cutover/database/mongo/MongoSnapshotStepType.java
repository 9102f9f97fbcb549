package dev.cutover.database.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import dev.cutover.database.SnapshotDestination;
import dev.cutover.step.Snapshot;
import dev.cutover.step.Snapshot.RestoreCheck;
import dev.cutover.step.StepArgumentProblem;
import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepType;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStores;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.StoredObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.springframework.stereotype.Component;

/**
 * {@code mongo-snapshot}: exports every collection of the listed databases through the driver into an
 * object store in mongodump's directory layout — {@code <db>/<collection>.bson} (the documents' raw
 * BSON, each length-prefixed, streamed from the cursor) and {@code <db>/<collection>.metadata.json}
 * (the index specs, canonical Extended JSON) — under {@code <prefix><cutoverId>/<connection>/<stepId>-<time>/},
 * plus {@code manifest.json} with each object's size, CRC32C and document count, so
 * {@code mongorestore --dir} can restore it as well. Not a point-in-time snapshot: take it while the
 * write freeze holds (the oplog position read before the export is recorded). With {@code verify} (on
 * by default in rehearsals) {@link MongoRestoreCheck} proves it restores, into scratch databases on the
 * primary of {@code restoreOn} (default: the snapshotted set itself; name another set when the freeze is
 * an fsync lock, which refuses the check's writes). Never deleted.
 */
@Component
class MongoSnapshotStepType implements StepType {

    private static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

    private final ObjectStores stores;

    MongoSnapshotStepType(ObjectStores stores) {
        this.stores = stores;
    }

    /** One exported collection: its two objects and how many documents went in. */
    record Exported(String database, String collection, String bsonKey, long size, String crc32c, long documents,
                    String metadataKey, String metadataJson, long metadataSize) {
    }

    @Override
    public String name() {
        return "mongo-snapshot";
    }

    @Override
    public String description() {
        return "Exports every collection of the listed databases (mongodump layout: .bson + .metadata.json) into an "
                + "object store with counts and CRC32C, and (in rehearsals by default) proves it restores";
    }

    @Override
    public List<StepParameter> parameters() {
        List<StepParameter> parameters = new ArrayList<>(List.of(
                StepParameter.required("connection", Kind.CONNECTION, "the MongoDB replica set (a mongo connection)"),
                StepParameter.required("databases", Kind.LIST, "the databases to export")));
        parameters.addAll(SnapshotDestination.parameters());
        parameters.addAll(List.of(
                StepParameter.optional("member", Kind.STRING, "the member to read, host:port (default: the primary)"),
                StepParameter.optional("verify", Kind.BOOLEAN, "restore into scratch databases on the primary and compare "
                        + "counts and dbHash per collection (default: true in rehearsals, false otherwise)"),
                StepParameter.connectionOf("restoreOn", false, "the mongo replica set whose primary the restore check "
                        + "writes its scratch databases cutover_restore_<id>_<db> to (default: the snapshotted set; name "
                        + "another one when an fsync-lock freeze refuses writes there)", "mongo")));
        return parameters;
    }

    @Override
    public List<StepArgumentProblem> validate(StepArguments with, Duration stepTimeout) {
        List<StepArgumentProblem> problems = new ArrayList<>();
        SnapshotDestination.validate(with, problems);
        return problems;
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        StepArguments args = context.arguments();
        String connection = args.requiredString("connection");
        SnapshotDestination destination = SnapshotDestination.of(context, stores);
        String storeName = destination.storeName();
        String bucket = destination.bucket();
        List<String> databases = args.list("databases");
        boolean verify = destination.verify();
        String restoreOn = args.string("restoreOn").orElse(connection);
        Instant started = Instant.now();
        String directory = destination.name(context, connection, started) + "/";
        try (ReplicaSet replicaSet = ReplicaSet.open(context.connection(connection),
                context.timeout().plus(ReplicaSet.DEFAULT_READ_TIMEOUT));
             ObjectStore store = destination.open(stores)) {
            return MongoFailures.translate(context, "snapshotting " + databases, () -> {
                String member = args.string("member").orElse(replicaSet.requirePrimary());
                String primary = replicaSet.requirePrimary();
                String position = OplogPosition.of(replicaSet, primary).position();
                MongoClient client = replicaSet.client(member);
                List<Exported> exported = new ArrayList<>();
                for (String database : databases) {
                    MongoDatabase db = client.getDatabase(database);
                    for (String collection : db.listCollectionNames().into(new ArrayList<>()).stream().sorted().toList()) {
                        if (collection.startsWith("system.")) {
                            continue;
                        }
                        exported.add(export(db, database, collection, store, directory));
                        context.progress("exported " + database + "." + collection, Map.of("collections", exported.size()));
                    }
                }
                byte[] manifest = manifest(connection, member, position, databases, exported).getBytes(StandardCharsets.UTF_8);
                StoredObject manifestObject = store.put(directory + "manifest.json", new ByteArrayInputStream(manifest),
                        manifest.length, new PutOptions(null, Map.of("cutover-snapshot", "mongo"), "application/json"));
                Instant finished = Instant.now();
                long size = manifest.length + exported.stream().mapToLong(e -> e.size() + e.metadataSize()).sum();
                long documents = exported.stream().mapToLong(Exported::documents).sum();
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("kind", "mongo");
                evidence.put("connection", connection);
                evidence.put("member", member);
                evidence.put("databases", databases);
                evidence.put("location", store.describe() + directory);
                evidence.put("key", directory);
                evidence.put("format", "mongodump directory layout: <db>/<collection>.bson + .metadata.json, manifest.json");
                evidence.put("collections", exported.size());
                evidence.put("documents", documents);
                evidence.put("size", size);
                evidence.put("crc32c", manifestObject.crc32c());
                evidence.put("position", position);
                evidence.put("objects", exported.stream().map(e -> Map.<String, Object>of("key", e.bsonKey(), "size",
                        e.size(), "crc32c", e.crc32c(), "documents", e.documents())).toList());
                Snapshot snapshot = new Snapshot("mongo", connection, storeName, bucket, directory, size,
                        manifestObject.crc32c(), "oplog " + position, started, finished, RestoreCheck.NOT_RUN,
                        verify ? "" : "restore check not asked for (verify: false)");
                String summary = "snapshot " + directory + ": " + exported.size() + " collections, " + documents
                        + " documents, " + size + " bytes";
                if (!verify) {
                    evidence.put("restoreCheck", "not run");
                    context.recordSnapshot(snapshot);
                    return StepOutcome.succeeded(summary, evidence);
                }
                context.progress("restoring " + directory + " on " + restoreOn + " to check it", Map.of());
                MongoRestoreCheck.Result check = restoreOn.equals(connection)
                        ? MongoRestoreCheck.run(replicaSet, member, replicaSet, primary, store, exported)
                        : restoreElsewhere(context, restoreOn, replicaSet, member, store, exported);
                Map<String, Object> restore = new LinkedHashMap<>();
                restore.put("passed", check.passed());
                restore.put("on", restoreOn);
                restore.put("detail", check.detail());
                restore.put("collections", check.collections());
                evidence.put("restoreCheck", restore);
                context.recordSnapshot(snapshot.withRestoreCheck(check.passed() ? RestoreCheck.PASSED : RestoreCheck.FAILED,
                        check.detail()));
                if (!check.passed()) {
                    throw new StepFailedException("snapshot " + directory + " was stored but does not restore: "
                            + check.detail(), evidence);
                }
                return StepOutcome.succeeded(summary + "; restore check passed: " + check.detail(), evidence);
            });
        }
    }

    /** The restore check on another replica set's primary: opened for the check, closed after it. */
    private static MongoRestoreCheck.Result restoreElsewhere(StepContext context, String restoreOn, ReplicaSet source,
                                                             String member, ObjectStore store, List<Exported> exported)
            throws Exception {
        try (ReplicaSet target = ReplicaSet.open(context.connection(restoreOn),
                context.timeout().plus(ReplicaSet.DEFAULT_READ_TIMEOUT))) {
            return MongoRestoreCheck.run(source, member, target, target.requirePrimary(), store, exported);
        }
    }

    private static Exported export(MongoDatabase db, String database, String collection, ObjectStore store,
                                   String directory) {
        String bsonKey = directory + database + "/" + collection + ".bson";
        StoredObject bson;
        long documents;
        try (BsonCollectionStream documentsStream = new BsonCollectionStream(
                db.getCollection(collection, RawBsonDocument.class).find().iterator())) {
            bson = store.putStream(bsonKey, documentsStream, new PutOptions(null, Map.of("cutover-snapshot", "mongo"),
                    "application/bson"));
            documents = documentsStream.documents();
        }
        List<Document> indexes = db.getCollection(collection).listIndexes().into(new ArrayList<>());
        String metadata = new Document("options", new Document()).append("indexes", indexes)
                .append("collectionName", collection).append("type", "collection").toJson(CANONICAL);
        String metadataKey = directory + database + "/" + collection + ".metadata.json";
        byte[] bytes = metadata.getBytes(StandardCharsets.UTF_8);
        store.put(metadataKey, new ByteArrayInputStream(bytes), bytes.length, new PutOptions(null, Map.of(),
                "application/json"));
        return new Exported(database, collection, bsonKey, bson.size(), bson.crc32c(), documents, metadataKey, metadata,
                bytes.length);
    }

    private static String manifest(String connection, String member, String position, List<String> databases,
                                   List<Exported> exported) {
        Document manifest = new Document("format", "mongodump directory layout (cutover mongo-snapshot 1)")
                .append("connection", connection).append("member", member).append("oplogPosition", position)
                .append("databases", databases)
                .append("objects", exported.stream().map(e -> new Document("key", e.bsonKey()).append("database", e.database())
                        .append("collection", e.collection()).append("size", e.size()).append("crc32c", e.crc32c())
                        .append("documents", e.documents()).append("metadata", e.metadataKey())).toList());
        return manifest.toJson(JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).indent(true).build());
    }
}
