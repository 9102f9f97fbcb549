package dev.cutover.dns;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@code dns-shift} found before its first change: every record set of one name and type,
 * the plain one or all weighted ones. Restoring it is the step's inverse, whatever weights the
 * shift had reached.
 *
 * @param connection the runbook connection the record lives behind
 * @param key        the name and type the shift moves
 * @param found      every record set of that name and type as it was (never empty: a shift needs a record)
 */
public record SavedShiftOriginal(String connection, RecordKey key, List<RoutedRecordSet> found, Instant savedAt) {

    public SavedShiftOriginal {
        found = List.copyOf(found);
    }

    /** One change, deletions first: remove what was not there, put back what differs. */
    public Restore restoreFrom(List<RoutedRecordSet> current) {
        // A set the original had under the same identifier is replaced by its UPSERT; the rest goes.
        List<RoutedRecordSet> deletions = current.stream().filter(now -> same(now).isEmpty()).toList();
        List<RoutedRecordSet> upserts = found.stream().filter(before -> !current.contains(before)).toList();
        return new Restore(deletions, upserts);
    }

    private Optional<RoutedRecordSet> same(RoutedRecordSet other) {
        return found.stream().filter(set -> Objects.equals(set.setIdentifier(), other.setIdentifier())).findFirst();
    }

    /** The change that puts the original back. */
    public record Restore(List<RoutedRecordSet> deletions, List<RoutedRecordSet> upserts) {
        public boolean isEmpty() {
            return deletions.isEmpty() && upserts.isEmpty();
        }
    }

    public Map<String, Object> evidence() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("connection", connection);
        evidence.put("savedAt", savedAt.toString());
        evidence.put("records", found.stream().map(RoutedRecordSet::evidence).toList());
        return evidence;
    }

    public String describe() {
        return String.join("; ", found.stream().map(RoutedRecordSet::describe).toList());
    }
}
