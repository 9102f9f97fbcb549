package dev.cutover.database.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import dev.cutover.storage.Crc32c;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ResumingDownload;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.bson.RawBsonDocument;

/**
 * Proves a {@code mongo-snapshot} restores: every {@code .bson} object is streamed back out of the store
 * and inserted in batches into scratch databases {@code cutover_restore_<id>_<db>} on the primary of the
 * restore set — the snapshotted set itself, or the step's {@code restoreOn} — (their indexes created from
 * the metadata), the bytes read back must have the recorded CRC32C, and then every
 * collection is compared with the source member by {@code mongo-verify}'s measures — document count and
 * {@code dbHash} digest ({@link MemberContents}). The scratch databases are dropped whatever happened.
 * Compared with the source as it is now: run it while the freeze holds.
 */
final class MongoRestoreCheck {

    private static final int BATCH = 500;

    record Result(boolean passed, String detail, List<Map<String, Object>> collections) {
    }

    private MongoRestoreCheck() {
    }

    /** Restores on {@code primary} of the snapshotted set itself. */
    static Result run(ReplicaSet replicaSet, String member, String primary, ObjectStore store,
                      List<MongoSnapshotStepType.Exported> exported) throws Exception {
        return run(replicaSet, member, replicaSet, primary, store, exported);
    }

    /**
     * @param source       the snapshotted set, read on {@code member} for the comparison
     * @param restoreSet   the set whose {@code restorePrimary} takes the scratch databases (may be {@code source})
     */
    static Result run(ReplicaSet source, String member, ReplicaSet restoreSet, String restorePrimary, ObjectStore store,
                      List<MongoSnapshotStepType.Exported> exported) throws Exception {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        Map<String, String> scratch = new LinkedHashMap<>();
        exported.forEach(e -> scratch.computeIfAbsent(e.database(), db -> {
            String name = ("cutover_restore_" + id + "_" + db).toLowerCase(Locale.ROOT);
            return name.length() > 63 ? name.substring(0, 63) : name;
        }));
        MongoClient client = restoreSet.client(restorePrimary);
        try {
            List<String> problems = new ArrayList<>();
            for (MongoSnapshotStepType.Exported e : exported) {
                String problem = restore(client.getDatabase(scratch.get(e.database())), e, store);
                if (problem != null) {
                    problems.add(problem);
                }
            }
            if (!problems.isEmpty()) {
                return new Result(false, problems.size() + " of " + exported.size() + " collection(s) did not restore; "
                        + "first: " + problems.get(0), List.of());
            }
            List<String> sourceDatabases = List.copyOf(scratch.keySet());
            MemberContents original = MemberContents.read(source, member, sourceDatabases, true);
            MemberContents restored = MemberContents.read(restoreSet, restorePrimary, List.copyOf(scratch.values()), true);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (MongoSnapshotStepType.Exported e : exported) {
                String ns = e.database() + "." + e.collection();
                String copy = scratch.get(e.database()) + "." + e.collection();
                CollectionCheck check = new CollectionCheck(e.database(), e.collection(), original.counts().get(ns),
                        restored.counts().get(copy), original.hashes().get(ns), restored.hashes().get(copy));
                Map<String, Object> row = new LinkedHashMap<>(check.evidence());
                row.put("exported", e.documents());
                rows.add(row);
                if (!check.matches()) {
                    problems.add(ns + ": " + check.reason() + " (source " + check.sourceCount() + ", restored "
                            + check.targetCount() + ")");
                }
            }
            if (!problems.isEmpty()) {
                return new Result(false, problems.size() + " collection(s) differ from " + member + " after restoring"
                        + " (was it written to after the snapshot?); first: " + problems.get(0), rows);
            }
            long documents = exported.stream().mapToLong(MongoSnapshotStepType.Exported::documents).sum();
            return new Result(true, exported.size() + " collections, " + documents + " documents restored on "
                    + restorePrimary + " with counts and dbHash equal to " + member, rows);
        } finally {
            for (String name : scratch.values()) {
                client.getDatabase(name).drop();
            }
        }
    }

    /** Restores one collection; returns what went wrong, or null. */
    private static String restore(MongoDatabase scratch, MongoSnapshotStepType.Exported e, ObjectStore store)
            throws Exception {
        scratch.createCollection(e.collection());
        MongoCollection<RawBsonDocument> target = scratch.getCollection(e.collection(), RawBsonDocument.class);
        Crc32c.Computing read;
        try (InputStream object = new ResumingDownload(store, e.bsonKey())) {
            read = new Crc32c.Computing(object);
            List<RawBsonDocument> batch = new ArrayList<>(BATCH);
            try {
                BsonDocuments documents = new BsonDocuments(read, e.bsonKey());
                while (documents.hasNext()) {
                    batch.add(documents.next());
                    if (batch.size() == BATCH) {
                        target.insertMany(batch);
                        batch.clear();
                    }
                }
                if (!batch.isEmpty()) {
                    target.insertMany(batch);
                }
            } catch (RuntimeException failure) {
                read.transferTo(OutputStream.nullOutputStream());
                return crcProblem(e, read).orElse(e.bsonKey() + ": " + failure.getMessage());
            }
            read.transferTo(OutputStream.nullOutputStream());
        }
        String problem = crcProblem(e, read).orElse(null);
        if (problem != null) {
            return problem;
        }
        for (Document index : Document.parse(e.metadataJson()).getList("indexes", Document.class)) {
            if (!"_id_".equals(index.getString("name"))) {
                index.remove("v");
                index.remove("ns");
                scratch.runCommand(new Document("createIndexes", e.collection()).append("indexes", List.of(index)));
            }
        }
        return null;
    }

    private static java.util.Optional<String> crcProblem(MongoSnapshotStepType.Exported e, Crc32c.Computing read) {
        if (read.crc32c().equals(e.crc32c())) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(e.bsonKey() + " read back has CRC32C " + read.crc32c() + ", but " + e.crc32c()
                + " was recorded when the snapshot was taken: it was changed or corrupted in the store");
    }
}
