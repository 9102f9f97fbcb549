package dev.cutover.database.mysql;

import dev.cutover.step.PreflightCheck;
import dev.cutover.step.PreflightFinding;
import dev.cutover.step.PreflightPlan;
import dev.cutover.step.PreflightPlan.PlannedStep;
import dev.cutover.step.PreflightProbe;
import dev.cutover.step.ResolvedConnection;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Preflight of {@code type: mysql} connections: from the steps that use each server it works out
 * what they will do there (read positions, read replica status, set read_only, end sessions,
 * repoint replication, read tables), then one probe per server checks all of it in one short
 * session, one probe per source/replica pair compares their server_ids, and one probe per source
 * logs in as the replication account.
 */
@Component
class MySqlPreflight implements PreflightCheck {

    /** What the steps of the plan will do on one server, with the steps that do it. */
    static final class Needs {
        final Map<MySqlNeed, Set<String>> steps = new EnumMap<>(MySqlNeed.class);
        final Map<String, Set<String>> databases = new LinkedHashMap<>();
        final Set<String> replicaOf = new LinkedHashSet<>();
        final Set<String> replicaSteps = new LinkedHashSet<>();

        void need(MySqlNeed need, String step) {
            steps.computeIfAbsent(need, n -> new LinkedHashSet<>()).add(step);
        }
    }

    record Pair(String source, String replica) {
    }

    @Override
    public List<PreflightProbe> probes(PreflightPlan plan) {
        Map<String, Needs> needs = new LinkedHashMap<>();
        Map<Pair, Set<String>> pairs = new LinkedHashMap<>();
        Map<String, Set<String>> replicationAccounts = new LinkedHashMap<>();
        for (PlannedStep step : plan.steps()) {
            plan(plan, step, needs, pairs, replicationAccounts);
        }
        List<PreflightProbe> probes = new ArrayList<>();
        for (ResolvedConnection connection : plan.connections().values()) {
            if ("mysql".equals(connection.type())) {
                Needs server = needs.getOrDefault(connection.name(), new Needs());
                probes.add(new PreflightProbe("connects", connection.name(), plan.usersOf(connection.name()),
                        () -> MySqlServerPreflight.check(MySqlSettings.of(connection), server, plan.timeout())));
            }
        }
        pairs.forEach((pair, steps) -> probes.add(new PreflightProbe("server_id distinct", pair.replica(),
                List.copyOf(steps), () -> MySqlServerPreflight.distinctServerIds(
                        MySqlSettings.of(plan.connection(pair.source()).orElseThrow()),
                        MySqlSettings.of(plan.connection(pair.replica()).orElseThrow()), plan.timeout()))));
        replicationAccounts.forEach((name, steps) -> probes.add(new PreflightProbe("replication user", name,
                List.copyOf(steps), () -> MySqlServerPreflight.replicationUser(
                        MySqlSettings.of(plan.connection(name).orElseThrow()), plan.timeout()))));
        return probes;
    }

    private static void plan(PreflightPlan plan, PlannedStep step, Map<String, Needs> needs, Map<Pair, Set<String>> pairs,
                             Map<String, Set<String>> accounts) {
        String id = step.id();
        switch (step.type()) {
            case "mysql-lag-gate" -> {
                String replica = step.with().requiredString("replica");
                replica(plan, needs, replica, id);
                step.with().string("source").filter(source -> isMySql(plan, source)).ifPresent(source -> {
                    needs(needs, source).need(MySqlNeed.READ_POSITION, id);
                    pair(plan, pairs, accounts, source, replica, id);
                });
            }
            case "mysql-promote" -> {
                String source = step.with().requiredString("source");
                String replica = step.with().requiredString("replica");
                boolean reverse = step.with().bool("reverseReplication").orElse(true);
                List<String> repoint = step.with().list("repoint");
                Needs old = needs(needs, source);
                old.need(MySqlNeed.READ_POSITION, id);
                old.need(MySqlNeed.SET_READ_ONLY, id);
                if (reverse) {
                    old.need(MySqlNeed.CHANGE_SOURCE, id);
                }
                replica(plan, needs, replica, id);
                Needs promoted = needs(needs, replica);
                promoted.need(MySqlNeed.CHANGE_SOURCE, id);
                promoted.need(MySqlNeed.SET_READ_ONLY, id);
                promoted.need(MySqlNeed.READ_POSITION, id);
                if (!step.with().list("endSessionsOf").isEmpty()) {
                    promoted.need(MySqlNeed.END_SESSIONS, id);
                }
                repoint.forEach(other -> needs(needs, other).need(MySqlNeed.CHANGE_SOURCE, id));
                pair(plan, pairs, accounts, source, replica, id);
                if (reverse || !repoint.isEmpty()) {
                    accounts.computeIfAbsent(replica, r -> new LinkedHashSet<>()).add(id);
                }
            }
            case "mysql-verify" -> {
                for (String side : List.of(step.with().requiredString("source"), step.with().requiredString("target"))) {
                    for (String database : step.with().list("databases")) {
                        needs(needs, side).databases.computeIfAbsent(database, d -> new LinkedHashSet<>()).add(id);
                    }
                }
            }
            case "write-freeze" -> {
                String connection = step.with().requiredString("connection");
                if (isMySql(plan, connection) && "read-only".equals(step.with().string("strategy").orElse(""))) {
                    Needs frozen = needs(needs, connection);
                    frozen.need(MySqlNeed.SET_READ_ONLY, id);
                    frozen.need(MySqlNeed.READ_POSITION, id);
                    if (!step.with().list("endSessionsOf").isEmpty()) {
                        frozen.need(MySqlNeed.END_SESSIONS, id);
                    }
                }
            }
            case "cutover-readiness" -> step.with().map("mysqlReplicas").forEach((replica, source) -> {
                if (isMySql(plan, replica) && isMySql(plan, source)) {
                    replica(plan, needs, replica, id);
                    needs(needs, source).need(MySqlNeed.READ_POSITION, id);
                    pair(plan, pairs, accounts, source, replica, id);
                }
            });
            default -> {
            }
        }
    }

    private static boolean isMySql(PreflightPlan plan, String connection) {
        return plan.connection(connection).map(ResolvedConnection::type).filter("mysql"::equals).isPresent();
    }

    private static Needs needs(Map<String, Needs> needs, String connection) {
        return needs.computeIfAbsent(connection, c -> new Needs());
    }

    private static void replica(PreflightPlan plan, Map<String, Needs> needs, String replica, String step) {
        Needs server = needs(needs, replica);
        server.need(MySqlNeed.READ_REPLICA_STATUS, step);
        server.replicaSteps.add(step);
    }

    private static void pair(PreflightPlan plan, Map<Pair, Set<String>> pairs, Map<String, Set<String>> accounts,
                             String source, String replica, String step) {
        if (Optional.of(source).filter(s -> isMySql(plan, s)).isPresent() && isMySql(plan, replica)) {
            pairs.computeIfAbsent(new Pair(source, replica), p -> new LinkedHashSet<>()).add(step);
            accounts.computeIfAbsent(source, s -> new LinkedHashSet<>()).add(step);
        }
    }
}
