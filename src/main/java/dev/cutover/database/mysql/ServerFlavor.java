package dev.cutover.database.mysql;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which server speaks on a connection — MySQL 8.0.22+ or MariaDB 10.5+ — read from
 * {@code SELECT VERSION()}. The two say different things for the same idea; this is where the
 * statements differ and nowhere else.
 */
record ServerFlavor(Kind kind, int major, int minor, int patch, String version) {

    enum Kind { MYSQL, MARIADB }

    private static final Pattern NUMBERS = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)");

    static ServerFlavor of(String version) {
        Matcher m = NUMBERS.matcher(version);
        if (!m.find()) {
            throw new IllegalArgumentException("unrecognised server version '" + version + "'");
        }
        Kind kind = version.toLowerCase().contains("mariadb") ? Kind.MARIADB : Kind.MYSQL;
        ServerFlavor flavor = new ServerFlavor(kind, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), version);
        if (kind == Kind.MYSQL && !flavor.atLeast(8, 0, 23)) {
            throw new IllegalArgumentException("MySQL " + version + " is too old: 8.0.23 or newer is needed "
                    + "(SHOW REPLICA STATUS, CHANGE REPLICATION SOURCE TO)");
        }
        if (kind == Kind.MARIADB && !flavor.atLeast(10, 5, 1)) {
            throw new IllegalArgumentException("MariaDB " + version + " is too old: 10.5.1 or newer is needed (SHOW REPLICA STATUS)");
        }
        return flavor;
    }

    boolean mariaDb() {
        return kind == Kind.MARIADB;
    }

    boolean atLeast(int major, int minor, int patch) {
        if (this.major != major) {
            return this.major > major;
        }
        if (this.minor != minor) {
            return this.minor > minor;
        }
        return this.patch >= patch;
    }

    /** MySQL 8.2 renamed SHOW MASTER STATUS (and 8.4 removed the old name); MariaDB keeps it. */
    String binaryLogStatusSql() {
        return !mariaDb() && atLeast(8, 2, 0) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
    }

    /** Every transaction this server has in its binlog: what a replica of it must have executed. */
    String writtenGtidsVariable() {
        return mariaDb() ? "@@GLOBAL.gtid_binlog_pos" : "@@GLOBAL.gtid_executed";
    }

    /** What this server has executed as a replica (MariaDB) or at all (MySQL). */
    String executedGtidsSql() {
        return mariaDb() ? "SELECT @@GLOBAL.gtid_slave_pos" : "SELECT @@GLOBAL.gtid_executed";
    }

    /** Returns 0 when the GTIDs were executed within the timeout (both functions' contract). */
    String waitForGtidsSql() {
        return mariaDb() ? "SELECT MASTER_GTID_WAIT(?, ?)" : "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)";
    }

    /** Returns the number of events waited for, -1 on timeout, NULL when not a replica. */
    String waitForPositionSql() {
        return mariaDb() ? "SELECT MASTER_POS_WAIT(?, ?, ?)" : "SELECT SOURCE_POS_WAIT(?, ?, ?)";
    }

    /**
     * Heartbeat period (seconds) and heartbeats received of the default replication channel: MariaDB
     * keeps them in its global status, MySQL in performance_schema.
     */
    String heartbeatSql() {
        return mariaDb()
                ? "SELECT MAX(IF(VARIABLE_NAME = 'SLAVE_HEARTBEAT_PERIOD', VARIABLE_VALUE, NULL)),"
                        + " MAX(IF(VARIABLE_NAME = 'SLAVE_RECEIVED_HEARTBEATS', VARIABLE_VALUE, NULL))"
                        + " FROM information_schema.GLOBAL_STATUS"
                        + " WHERE VARIABLE_NAME IN ('SLAVE_HEARTBEAT_PERIOD', 'SLAVE_RECEIVED_HEARTBEATS')"
                : "SELECT c.HEARTBEAT_INTERVAL, s.COUNT_RECEIVED_HEARTBEATS"
                        + " FROM performance_schema.replication_connection_configuration c"
                        + " JOIN performance_schema.replication_connection_status s USING (CHANNEL_NAME)"
                        + " WHERE c.CHANNEL_NAME = ''";
    }

    /** MariaDB has no super_read_only: accounts with READ ONLY ADMIN (SUPER) still write. */
    boolean hasSuperReadOnly() {
        return !mariaDb();
    }

    String name() {
        return (mariaDb() ? "MariaDB " : "MySQL ") + major + "." + minor + "." + patch;
    }
}
