package dev.cutover.database.mongo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One collection compared between two members: document counts and {@code dbHash} digests.
 *
 * @param sourceHash null when the collection is missing on the source, or hashes were not compared
 */
record CollectionCheck(String database, String collection, Long sourceCount, Long targetCount, String sourceHash,
                       String targetHash) {

    boolean matches() {
        return Objects.equals(sourceCount, targetCount) && Objects.equals(sourceHash, targetHash);
    }

    String reason() {
        if (sourceCount == null) {
            return "missing on source";
        }
        if (targetCount == null) {
            return "missing on target";
        }
        if (!sourceCount.equals(targetCount)) {
            return "counts differ";
        }
        return Objects.equals(sourceHash, targetHash) ? "same" : "hashes differ";
    }

    Map<String, Object> evidence() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("namespace", database + "." + collection);
        evidence.put("reason", reason());
        evidence.put("sourceCount", sourceCount);
        evidence.put("targetCount", targetCount);
        evidence.put("sourceHash", sourceHash);
        evidence.put("targetHash", targetHash);
        return evidence;
    }
}
