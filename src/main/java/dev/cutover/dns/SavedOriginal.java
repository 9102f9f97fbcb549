package dev.cutover.dns;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a DNS step found before its first change: for every record set it touches (one name, one or
 * two types), the record set as it was, or nothing when there was none. Restoring it is the step's
 * inverse, whatever the step or a retry of it did in between.
 *
 * @param connection the runbook connection the record lives behind
 * @param keys       every record set the step touches
 * @param found      those of them that existed
 */
public record SavedOriginal(String connection, List<RecordKey> keys, List<RecordSet> found, Instant savedAt) {

    public SavedOriginal {
        keys = List.copyOf(keys);
        found = List.copyOf(found);
    }

    public Optional<RecordSet> original(RecordKey key) {
        return found.stream().filter(set -> set.key().equals(key)).findFirst();
    }

    /**
     * The change that puts back the original, given what is there now: a record set that did not
     * exist is deleted, one that differs is replaced, one already equal is left alone.
     */
    public RecordChange restoreFrom(Map<RecordKey, Optional<RecordSet>> current) {
        List<RecordSet> deletions = new ArrayList<>();
        List<RecordSet> upserts = new ArrayList<>();
        for (RecordKey key : keys) {
            Optional<RecordSet> now = current.getOrDefault(key, Optional.empty());
            Optional<RecordSet> before = original(key);
            if (before.isEmpty()) {
                now.ifPresent(deletions::add);
            } else if (!before.equals(now)) {
                upserts.add(before.get());
            }
        }
        return new RecordChange(deletions, upserts);
    }

    public Map<String, Object> evidence() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("connection", connection);
        evidence.put("savedAt", savedAt.toString());
        evidence.put("records", keys.stream().map(key -> original(key).map(RecordSet::evidence)
                .orElseGet(() -> Map.of("name", key.name(), "type", key.type(), "absent", true))).toList());
        return evidence;
    }

    public String describe() {
        List<String> parts = new ArrayList<>();
        for (RecordKey key : keys) {
            parts.add(original(key).map(RecordSet::describe).orElse(key + " (none)"));
        }
        return String.join("; ", parts);
    }
}
