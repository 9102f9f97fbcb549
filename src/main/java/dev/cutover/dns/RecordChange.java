package dev.cutover.dns;

import java.util.ArrayList;
import java.util.List;

/**
 * One atomic change: record sets to delete (exactly as they are now) and record sets to create or
 * replace. Deletions go first, so a name can move from A records to a CNAME in one change.
 */
public record RecordChange(List<RecordSet> deletions, List<RecordSet> upserts) {

    public RecordChange {
        deletions = List.copyOf(deletions);
        upserts = List.copyOf(upserts);
    }

    public static RecordChange upsert(RecordSet recordSet) {
        return new RecordChange(List.of(), List.of(recordSet));
    }

    public boolean isEmpty() {
        return deletions.isEmpty() && upserts.isEmpty();
    }

    /** {@code delete www. 300 A 192.0.2.1; upsert www. 60 CNAME alb.example.} */
    public String describe() {
        List<String> parts = new ArrayList<>();
        deletions.forEach(set -> parts.add("delete " + set.describe()));
        upserts.forEach(set -> parts.add("upsert " + set.describe()));
        return parts.isEmpty() ? "no change" : String.join("; ", parts);
    }
}
