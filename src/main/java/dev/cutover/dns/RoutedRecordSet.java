package dev.cutover.dns;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A record set with its Route 53 routing: a plain one ({@code setIdentifier} null), or one of the
 * weighted sets of a name and type, which share the traffic by {@code weight} (0..255). Route 53
 * tells them apart by name, type and set identifier, and a plain set cannot live next to weighted
 * ones of the same name and type.
 */
public record RoutedRecordSet(RecordSet records, String setIdentifier, Long weight) {

    public static final long MAX_WEIGHT = 255;

    public RoutedRecordSet {
        if ((setIdentifier == null) != (weight == null)) {
            throw new IllegalArgumentException("a weighted record set needs both a set identifier and a weight: "
                    + records.describe());
        }
        if (weight != null && (weight < 0 || weight > MAX_WEIGHT)) {
            throw new IllegalArgumentException("weight " + weight + " is out of range 0.." + MAX_WEIGHT);
        }
    }

    public static RoutedRecordSet plain(RecordSet records) {
        return new RoutedRecordSet(records, null, null);
    }

    public static RoutedRecordSet weighted(RecordSet records, String setIdentifier, long weight) {
        return new RoutedRecordSet(records, setIdentifier, weight);
    }

    public boolean isWeighted() {
        return setIdentifier != null;
    }

    public RoutedRecordSet withWeight(long newWeight) {
        return new RoutedRecordSet(records, setIdentifier, newWeight);
    }

    /** {@code shop.example.com. 60 CNAME lb.gcp.example. [gcp weight 90]}. */
    public String describe() {
        return records.describe() + (isWeighted() ? " [" + setIdentifier + " weight " + weight + "]" : "");
    }

    public Map<String, Object> evidence() {
        Map<String, Object> evidence = new LinkedHashMap<>(records.evidence());
        if (isWeighted()) {
            evidence.put("setIdentifier", setIdentifier);
            evidence.put("weight", weight);
        }
        return evidence;
    }
}
