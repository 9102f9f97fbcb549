package dev.cutover.instance;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Which instances share the database, live or expired, and what each runs: the lease rows joined with
 * every module's {@link InstanceWork}. Expired rows stay listed (newest first after the live ones) so
 * that the instance an interrupted cutover names can still be looked up.
 */
@Component
public class ServiceInstances {

    private final JdbcClient jdbc;
    private final InstanceLeases leases;
    private final ObjectProvider<InstanceWork> work;

    ServiceInstances(JdbcClient jdbc, InstanceLeases leases, ObjectProvider<InstanceWork> work) {
        this.jdbc = jdbc;
        this.leases = leases;
        this.work = work;
    }

    /** Live instances first, then expired ones by their last renewal, newest first; at most {@code limit}. */
    public List<InstanceStatus> list(int limit) {
        Map<String, List<InstanceWork.Item>> runs = work.orderedStream().flatMap(module -> module.underWay().stream())
                .collect(Collectors.groupingBy(InstanceWork.Item::instanceId));
        String self = leases.self().id();
        return jdbc.sql("SELECT id, host, pid, started_at, renewed_at, expires_at, "
                        + "CASE WHEN expires_at > CURRENT_TIMESTAMP(6) THEN 1 ELSE 0 END AS live FROM service_instance "
                        + "ORDER BY live DESC, renewed_at DESC, id")
                .query((rs, row) -> new InstanceStatus(rs.getString("id"), rs.getString("host"), rs.getLong("pid"),
                        instant(rs.getTimestamp("started_at")), instant(rs.getTimestamp("renewed_at")),
                        instant(rs.getTimestamp("expires_at")),
                        rs.getInt("live") == 1 ? InstanceStatus.Lease.LIVE : InstanceStatus.Lease.EXPIRED,
                        rs.getString("id").equals(self), runs.getOrDefault(rs.getString("id"), List.of())))
                .list().stream().limit(limit).toList();
    }

    /** One instance as it last registered, with its lease state; UNKNOWN when it never registered. */
    public Runner runner(String id) {
        return jdbc.sql("SELECT host, pid, CASE WHEN expires_at > CURRENT_TIMESTAMP(6) THEN 1 ELSE 0 END AS live "
                        + "FROM service_instance WHERE id = ?").param(id)
                .query((rs, row) -> new Runner(id, rs.getString("host"), rs.getLong("pid"),
                        rs.getInt("live") == 1 ? InstanceStatus.Lease.LIVE : InstanceStatus.Lease.EXPIRED))
                .optional().orElse(new Runner(id, null, null, InstanceStatus.Lease.UNKNOWN));
    }

    /** As {@link #runner(String)} for several instances in one query, by id. */
    public Map<String, Runner> runners(java.util.Collection<String> ids) {
        Map<String, Runner> runners = new java.util.HashMap<>();
        if (!ids.isEmpty()) {
            jdbc.sql("SELECT id, host, pid, CASE WHEN expires_at > CURRENT_TIMESTAMP(6) THEN 1 ELSE 0 END AS live "
                            + "FROM service_instance WHERE id IN (:ids)").param("ids", ids)
                    .query(rs -> {
                        runners.put(rs.getString("id"), new Runner(rs.getString("id"), rs.getString("host"),
                                rs.getLong("pid"), rs.getInt("live") == 1 ? InstanceStatus.Lease.LIVE
                                : InstanceStatus.Lease.EXPIRED));
                    });
        }
        ids.forEach(id -> runners.computeIfAbsent(id, never -> new Runner(never, null, null, InstanceStatus.Lease.UNKNOWN)));
        return runners;
    }

    /**
     * Where a piece of work runs, as its API shows it ({@code runsOn}).
     *
     * @param lease LIVE, EXPIRED (the instance stopped or died: the work is taken over or waits) or UNKNOWN
     */
    public record Runner(String instance, String host, Long pid, InstanceStatus.Lease lease) {
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
