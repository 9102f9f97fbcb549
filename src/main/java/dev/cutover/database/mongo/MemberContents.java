package dev.cutover.database.mongo;

import com.mongodb.client.MongoClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;

/**
 * What one member holds, database by database: each collection's document count and its
 * {@code dbHash} digest (an MD5 over the collection's documents that the server computes itself,
 * on whichever member it runs, secondaries included).
 *
 * @param counts namespace → count from collection metadata ({@code count} without a filter: cheap,
 *               and the hash is the exact check)
 * @param hashes namespace → dbHash digest; empty when hashes were not asked for
 */
record MemberContents(Map<String, Long> counts, Map<String, String> hashes) {

    /** Databases that belong to the server, not to the application. */
    static final List<String> SYSTEM_DATABASES = List.of("admin", "local", "config");

    static List<String> databases(ReplicaSet replicaSet, String host) {
        return replicaSet.client(host).listDatabaseNames().into(new java.util.ArrayList<>()).stream()
                .filter(name -> !SYSTEM_DATABASES.contains(name)).sorted().toList();
    }

    static MemberContents read(ReplicaSet replicaSet, String host, List<String> databases, boolean withHashes) {
        MongoClient client = replicaSet.client(host);
        Map<String, Long> counts = new TreeMap<>();
        Map<String, String> hashes = new TreeMap<>();
        for (String database : databases) {
            for (String collection : client.getDatabase(database).listCollectionNames()) {
                if (collection.startsWith("system.")) {
                    continue;
                }
                counts.put(database + "." + collection, client.getDatabase(database).getCollection(collection).estimatedDocumentCount());
            }
            if (withHashes) {
                Document dbHash = client.getDatabase(database).runCommand(new Document("dbHash", 1));
                Document collections = dbHash.get("collections", new Document());
                collections.forEach((collection, digest) -> hashes.put(database + "." + collection, String.valueOf(digest)));
            }
        }
        return new MemberContents(counts, hashes);
    }

    /** Every namespace on either side, compared; sorted by namespace. */
    static List<CollectionCheck> compare(MemberContents source, MemberContents target, boolean withHashes) {
        Map<String, Boolean> namespaces = new TreeMap<>();
        source.counts.keySet().forEach(ns -> namespaces.put(ns, true));
        target.counts.keySet().forEach(ns -> namespaces.put(ns, true));
        return namespaces.keySet().stream().map(ns -> {
            int dot = ns.indexOf('.');
            return new CollectionCheck(ns.substring(0, dot), ns.substring(dot + 1), source.counts.get(ns), target.counts.get(ns),
                    withHashes ? source.hashes.get(ns) : null, withHashes ? target.hashes.get(ns) : null);
        }).toList();
    }

    Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("collections", counts.size());
        summary.put("documents", counts.values().stream().mapToLong(Long::longValue).sum());
        return summary;
    }
}
