package dev.cutover.database.mysql;

import java.util.HashMap;
import java.util.Map;

/**
 * MariaDB GTID positions ({@code 0-1-57,1-2-9}: one domain-server-sequence per domain). A position
 * covers another when, in every domain of the other, its sequence is higher, or equal and written
 * by the same server: sequences grow per domain across a promotion (so {@code 0-2-25} covers
 * {@code 0-1-20}), but the same sequence from two servers is two different transactions — alternate
 * futures after a write that never replicated — and covers nothing. (MySQL GTID sets are compared
 * by the server itself with {@code GTID_SUBSET}.)
 */
final class GtidPositions {

    private GtidPositions() {
    }

    static boolean covers(String executed, String required) {
        Map<Long, Map<Long, Long>> have = sequencesByDomainAndServer(executed);
        for (Map.Entry<Long, Map<Long, Long>> need : sequencesByDomainAndServer(required).entrySet()) {
            Map<Long, Long> haveInDomain = have.getOrDefault(need.getKey(), Map.of());
            long highest = haveInDomain.values().stream().mapToLong(Long::longValue).max().orElse(-1);
            for (Map.Entry<Long, Long> needed : need.getValue().entrySet()) {
                long seq = needed.getValue();
                boolean covered = highest > seq || haveInDomain.getOrDefault(needed.getKey(), -1L) >= seq;
                if (!covered) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Per domain, the highest sequence each server id wrote. */
    static Map<Long, Map<Long, Long>> sequencesByDomainAndServer(String position) {
        Map<Long, Map<Long, Long>> sequences = new HashMap<>();
        forEachGtid(position, (domain, server, seq) ->
                sequences.computeIfAbsent(domain, d -> new HashMap<>()).merge(server, seq, Math::max));
        return sequences;
    }

    private interface GtidVisitor {
        void visit(long domain, long server, long sequence);
    }

    private static void forEachGtid(String position, GtidVisitor visitor) {
        if (position == null || position.isBlank()) {
            return;
        }
        for (String gtid : position.replaceAll("\\s+", "").split(",")) {
            if (gtid.isEmpty()) {
                continue;
            }
            String[] parts = gtid.split("-");
            if (parts.length != 3) {
                throw new IllegalArgumentException("not a MariaDB GTID position: '" + position + "'");
            }
            visitor.visit(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        }
    }
}
