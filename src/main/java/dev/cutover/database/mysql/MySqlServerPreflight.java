package dev.cutover.database.mysql;

import dev.cutover.step.PreflightFinding;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The checks of one MySQL or MariaDB server (and of a pair), each one short read-only session. */
final class MySqlServerPreflight {

    private MySqlServerPreflight() {
    }

    /** Connects, then checks every need of the steps on this server; one finding per privilege. */
    static List<PreflightFinding> check(MySqlSettings settings, MySqlPreflight.Needs needs, Duration timeout) {
        List<PreflightFinding> findings = new ArrayList<>();
        try (MySqlPreflightSession session = MySqlPreflightSession.open(settings.url(), settings.user(),
                settings.password(), timeout)) {
            findings.add(describe(session).named("connects"));
            String account = account(session.text("SELECT CURRENT_USER()"));
            MySqlGrants grants = MySqlGrants.parse(session.firstColumn("SHOW GRANTS"));
            for (Map.Entry<MySqlNeed, Set<String>> need : needs.steps.entrySet()) {
                if (need.getKey().probed()) {
                    findings.addAll(probe(session, settings, account, need.getKey(), need.getValue(), needs));
                } else {
                    for (MySqlNeed.Privilege privilege : need.getKey().privileges(session.flavor())) {
                        findings.add(granted(settings, account, grants, need.getKey(), privilege, need.getValue()));
                    }
                }
            }
            needs.databases.forEach((database, steps) -> findings.add(grants.holdsOn(database, "SELECT")
                    ? PreflightFinding.ok("SELECT on " + database + " held, to compare its tables (" + String.join(", ", steps)
                    + ")").named("privilege SELECT on " + database)
                    : PreflightFinding.failed(account + " lacks SELECT on " + database + ", needed by " + String.join(", ", steps)
                    + " to compare its tables", grant("SELECT", "`" + database + "`.*", account, settings.name()))
                    .named("privilege SELECT on " + database)));
        } catch (SQLException e) {
            findings.add(cannotConnect(settings, e).named("connects"));
        }
        return findings;
    }

    private static PreflightFinding describe(MySqlPreflightSession session) throws SQLException {
        ServerFlavor flavor = session.flavor();
        Map<String, String> vars = session.rows(flavor.mariaDb()
                ? "SELECT @@log_bin AS log_bin, @@binlog_format AS format, @@gtid_strict_mode AS gtid, @@server_id AS id"
                : "SELECT @@log_bin AS log_bin, @@binlog_format AS format, @@gtid_mode AS gtid, @@server_id AS id").get(0);
        boolean binlog = "1".equals(vars.get("log_bin")) || "ON".equalsIgnoreCase(vars.get("log_bin"));
        String gtid = flavor.mariaDb() ? "GTID strict mode " + ("1".equals(vars.get("gtid")) ? "ON" : "OFF")
                : "gtid_mode " + vars.get("gtid");
        String detail = (flavor.mariaDb() ? "MariaDB " : "MySQL ") + flavor.version() + ", binlog "
                + (binlog ? vars.get("format") : "off") + ", " + gtid + ", server_id " + vars.get("id");
        if (binlog && !"ROW".equalsIgnoreCase(vars.get("format"))) {
            return PreflightFinding.warning(detail, "binlog_format " + vars.get("format") + " replicates statements, "
                    + "not rows: set binlog_format = ROW (SET GLOBAL and in the server's config) before the night");
        }
        if (!flavor.mariaDb() && !"ON".equalsIgnoreCase(vars.get("gtid"))) {
            return PreflightFinding.warning(detail, "without gtid_mode ON promotion and repointing fall back to binlog "
                    + "positions; turn GTIDs on before the night if you can");
        }
        return PreflightFinding.ok(detail);
    }

    /** Tries the read-only statement the need runs; a refusal names the missing privilege. */
    private static List<PreflightFinding> probe(MySqlPreflightSession session, MySqlSettings settings, String account,
                                                MySqlNeed need, Set<String> steps, MySqlPreflight.Needs needs) {
        String privilege = need.probedPrivilege(session.flavor());
        String check = "privilege " + privilege;
        String sql = need == MySqlNeed.READ_POSITION ? session.flavor().binaryLogStatusSql() : "SHOW REPLICA STATUS";
        List<Map<String, String>> rows;
        try {
            rows = session.rows(sql);
        } catch (SQLException refused) {
            if (refused.getErrorCode() == MySqlPreflightSession.SPECIFIC_ACCESS_DENIED
                    || refused.getErrorCode() == 1045 || refused.getErrorCode() == 1142) {
                return List.of(PreflightFinding.failed(account + " lacks " + privilege + ", needed by "
                        + String.join(", ", steps) + " to " + need.doing(), grant(privilege, "*.*", account, settings.name()))
                        .named(check));
            }
            return List.of(PreflightFinding.failed(sql + " failed: " + refused.getMessage(), "").named(check));
        }
        List<PreflightFinding> findings = new ArrayList<>();
        findings.add(PreflightFinding.ok(privilege + " held: " + sql + " answers (" + String.join(", ", steps) + ")")
                .named(check));
        if (need == MySqlNeed.READ_POSITION && rows.isEmpty()) {
            findings.add(PreflightFinding.failed("the binary log is off: " + sql + " shows no position",
                    "start " + settings.name() + " with log_bin (and binlog_format = ROW)").named("binary log"));
        }
        if (need == MySqlNeed.READ_REPLICA_STATUS && !needs.replicaSteps.isEmpty()) {
            findings.add(replicaThreads(rows, settings, needs.replicaSteps));
        }
        return findings;
    }

    private static PreflightFinding replicaThreads(List<Map<String, String>> rows, MySqlSettings settings, Set<String> steps) {
        if (rows.isEmpty()) {
            return PreflightFinding.failed(settings.name() + " is not a replica (SHOW REPLICA STATUS is empty), but "
                    + String.join(", ", steps) + " treat it as one", "set up replication on " + settings.name()
                    + " or name the right connection in the step").named("replica threads");
        }
        ReplicaStatus status = ReplicaStatus.of(rows.get(0), null);
        String problem = status.problem();
        if (!problem.isEmpty()) {
            return PreflightFinding.failed(problem + ", replicating from " + status.sourceHost() + ":" + status.sourcePort(),
                    "fix the error and START REPLICA on " + settings.name() + " (SHOW REPLICA STATUS tells more)")
                    .named("replica threads");
        }
        return PreflightFinding.ok("IO and SQL threads running, replicating from " + status.sourceHost() + ":"
                + status.sourcePort() + ", " + (status.secondsBehind().isPresent() ? status.secondsBehind().getAsLong()
                + " s behind" : "lag unknown")).named("replica threads");
    }

    private static PreflightFinding granted(MySqlSettings settings, String account, MySqlGrants grants, MySqlNeed need,
                                            MySqlNeed.Privilege privilege, Set<String> steps) {
        String check = "privilege " + privilege.name();
        if (grants.holdsGlobally(privilege.alternatives())) {
            return PreflightFinding.ok(privilege.name() + " held (SHOW GRANTS), to " + need.doing() + " ("
                    + String.join(", ", steps) + ")").named(check);
        }
        String roles = grants.roles().isEmpty() ? "" : " (roles " + String.join(", ", grants.roles())
                + " granted to it are not read: grant the privilege directly or check the role)";
        return PreflightFinding.failed(account + " lacks " + privilege.name() + ", needed by " + String.join(", ", steps)
                + " to " + need.doing() + roles, grant(privilege.name(), "*.*", account, settings.name())).named(check);
    }

    /** Both servers of a pair answer their server_id; equal ids make replication skip events silently. */
    static List<PreflightFinding> distinctServerIds(MySqlSettings source, MySqlSettings replica, Duration timeout)
            throws SQLException {
        String sourceId = serverId(source, timeout);
        String replicaId = serverId(replica, timeout);
        if (sourceId.equals(replicaId)) {
            return List.of(PreflightFinding.failed(source.name() + " and " + replica.name() + " both have server_id "
                    + sourceId, "give " + replica.name() + " its own server_id (SET GLOBAL server_id and the config)"));
        }
        return List.of(PreflightFinding.ok(source.name() + " server_id " + sourceId + ", " + replica.name()
                + " server_id " + replicaId));
    }

    private static String serverId(MySqlSettings settings, Duration timeout) throws SQLException {
        try (MySqlPreflightSession session = MySqlPreflightSession.open(settings.url(), settings.user(), settings.password(),
                timeout)) {
            return session.text("SELECT @@server_id");
        }
    }

    /**
     * The account replicas of this server log in with can log in (from here, as a replica would
     * from its host) and holds REPLICATION SLAVE.
     */
    static List<PreflightFinding> replicationUser(MySqlSettings settings, Duration timeout) {
        if (settings.replicationUser().isEmpty()) {
            return List.of(PreflightFinding.warning("no replicationUser: set on " + settings.name(), "add "
                    + "replicationUser: and replicationPassword: (the account replicas of it log in with) to "
                    + settings.name() + ": promotion needs it to repoint replicas or reverse replication"));
        }
        String user = settings.replicationUser().get();
        String url = "jdbc:mysql://" + settings.replicationHost() + ":" + settings.replicationPort() + "/";
        try (MySqlPreflightSession session = MySqlPreflightSession.open(url, user,
                settings.replicationPassword().orElse(""), timeout)) {
            String account = account(session.text("SELECT CURRENT_USER()"));
            MySqlGrants grants = MySqlGrants.parse(session.firstColumn("SHOW GRANTS"));
            if (!grants.holdsGlobally(Set.of("REPLICATION REPLICA"))) {
                return List.of(PreflightFinding.failed(account + " logs in to " + settings.name() + " but lacks "
                        + "REPLICATION SLAVE: replicas cannot read its binlog", grant("REPLICATION SLAVE", "*.*", account,
                        settings.name())));
            }
            return List.of(PreflightFinding.ok(account + " logs in to " + settings.name() + " at "
                    + settings.replicationHost() + ":" + settings.replicationPort() + " and holds REPLICATION SLAVE"));
        } catch (SQLException e) {
            return List.of(PreflightFinding.failed("replication user '" + user + "' cannot log in to " + settings.name()
                    + " at " + settings.replicationHost() + ":" + settings.replicationPort() + ": "
                    + scrub(e.getMessage(), settings.replicationPassword().orElse("")), "check replicationUser and "
                    + "replicationPassword of " + settings.name() + ", and that the account may connect from the "
                    + "replica's host ('" + user + "'@'%' or its address)"));
        }
    }

    private static PreflightFinding cannotConnect(MySqlSettings settings, SQLException e) {
        String message = scrub(e.getMessage(), settings.password());
        String hint = e.getErrorCode() == 1045
                ? "check user and password of " + settings.name() + " (account '" + settings.user() + "')"
                : "check that " + settings.address() + " is the server's address, that it is up, and that no firewall "
                + "or security group blocks this host";
        return PreflightFinding.failed("cannot connect to " + settings.name() + " (" + settings.address() + "): " + message,
                hint);
    }

    /** {@code cutover@%} as a GRANT writes it: {@code 'cutover'@'%'}. */
    static String account(String currentUser) {
        int at = currentUser.lastIndexOf('@');
        return at < 0 ? "'" + currentUser + "'" : "'" + currentUser.substring(0, at) + "'@'" + currentUser.substring(at + 1) + "'";
    }

    private static String grant(String privilege, String on, String account, String connection) {
        return "GRANT " + privilege + " ON " + on + " TO " + account + " on " + connection;
    }

    private static String scrub(String message, String password) {
        String text = String.valueOf(message);
        return password == null || password.isEmpty() ? text : text.replace(password, "******");
    }
}
