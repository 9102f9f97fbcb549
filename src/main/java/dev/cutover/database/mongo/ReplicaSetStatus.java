package dev.cutover.database.mongo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.bson.Document;

/**
 * The replica set as its primary reports it at one moment ({@code replSetGetStatus} joined with
 * {@code replSetGetConfig}), and each member's lag: primary {@code optimeDate} − member
 * {@code optimeDate}.
 *
 * @param askedHost the member that answered (the primary, unless none was found)
 * @param config the raw config document, for reconfiguration
 */
record ReplicaSetStatus(String setName, String askedHost, Instant readAt, List<MemberStatus> members, Document config) {

    /** Said in every piece of evidence that shows lag, so nobody reads it as exact to the millisecond. */
    static final String STALENESS = "optimes of other members reach the primary on heartbeats and progress reports: "
            + "they can be seconds stale; optimeDate has one-second resolution";

    ReplicaSetStatus {
        members = List.copyOf(members);
    }

    /** Reads the status from the primary (or, without one, from the first seed that answers). */
    static ReplicaSetStatus read(ReplicaSet replicaSet) {
        String host = replicaSet.primary().orElse(null);
        if (host == null) {
            host = replicaSet.seeds().get(0);
        }
        return read(replicaSet, host);
    }

    static ReplicaSetStatus read(ReplicaSet replicaSet, String host) {
        Document status = replicaSet.admin(host, new Document("replSetGetStatus", 1));
        Document config = replicaSet.admin(host, new Document("replSetGetConfig", 1)).get("config", Document.class);
        Map<String, Document> configById = new LinkedHashMap<>();
        for (Document member : config.getList("members", Document.class)) {
            configById.put(String.valueOf(member.get("_id", Number.class).intValue()), member);
        }
        List<MemberStatus> members = new ArrayList<>();
        for (Document member : status.getList("members", Document.class)) {
            members.add(MemberStatus.of(member, configById.get(String.valueOf(member.get("_id", Number.class).intValue()))));
        }
        return new ReplicaSetStatus(status.getString("set"), host, Instant.now(), members, config);
    }

    Optional<MemberStatus> primary() {
        return members.stream().filter(MemberStatus::isPrimary).findFirst();
    }

    Optional<MemberStatus> member(String host) {
        return members.stream().filter(member -> member.name().equalsIgnoreCase(host)).findFirst();
    }

    int configVersion() {
        return config.get("version", Number.class).intValue();
    }

    /** Lag in seconds; empty when unknown (no primary, member unreachable or without optime). */
    OptionalDouble lagSeconds(MemberStatus member) {
        if (member.isPrimary()) {
            return OptionalDouble.of(0);
        }
        Optional<MemberStatus> primary = primary();
        if (primary.isEmpty() || primary.get().optimeDate() == null || member.optimeDate() == null || !member.healthy()) {
            return OptionalDouble.empty();
        }
        long millis = Duration.between(member.optimeDate(), primary.get().optimeDate()).toMillis();
        return OptionalDouble.of(Math.max(0, millis) / 1000.0); // a stale primary view can put a member "ahead"
    }

    /** Every member with its lag, for evidence. */
    Map<String, Object> membersEvidence() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        for (MemberStatus member : members) {
            OptionalDouble lag = lagSeconds(member);
            evidence.put(member.name(), member.evidence(lag.isPresent() ? lag.getAsDouble() : null));
        }
        return evidence;
    }

    String primaryName() {
        return primary().map(MemberStatus::name).orElse("none");
    }
}
