package dev.cutover.database.mysql;

import java.util.HashMap;
import java.util.Map;

/**
 * MariaDB GTID positions ({@code 0-1-57,1-2-9}: one domain-server-sequence per domain). A position
 * covers another when, in every domain of the other, its sequence is at least as high — the
 * server id does not matter, sequences grow per domain. (MySQL GTID sets are compared by the
 * server itself with {@code GTID_SUBSET}.)
 */
final class GtidPositions {

    private GtidPositions() {
    }

    static boolean covers(String executed, String required) {
        Map<Long, Long> have = sequencesByDomain(executed);
        for (Map.Entry<Long, Long> need : sequencesByDomain(required).entrySet()) {
            Long seq = have.get(need.getKey());
            if (seq == null || seq < need.getValue()) {
                return false;
            }
        }
        return true;
    }

    static Map<Long, Long> sequencesByDomain(String position) {
        Map<Long, Long> sequences = new HashMap<>();
        if (position == null || position.isBlank()) {
            return sequences;
        }
        for (String gtid : position.replaceAll("\\s+", "").split(",")) {
            if (gtid.isEmpty()) {
                continue;
            }
            String[] parts = gtid.split("-");
            if (parts.length != 3) {
                throw new IllegalArgumentException("not a MariaDB GTID position: '" + position + "'");
            }
            sequences.merge(Long.parseLong(parts[0]), Long.parseLong(parts[2]), Math::max);
        }
        return sequences;
    }
}
