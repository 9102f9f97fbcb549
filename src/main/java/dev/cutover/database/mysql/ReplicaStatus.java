package dev.cutover.database.mysql;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One row of {@code SHOW REPLICA STATUS}, whichever dialect wrote it: MySQL 8 says
 * {@code Seconds_Behind_Source}, {@code Replica_SQL_Running}, {@code Exec_Source_Log_Pos},
 * {@code Executed_Gtid_Set}; MariaDB says {@code Seconds_Behind_Master}, {@code Slave_SQL_Running},
 * {@code Exec_Master_Log_Pos}, {@code Gtid_IO_Pos} and keeps its executed GTIDs in
 * {@code @@gtid_slave_pos}. Seconds behind is empty when the server does not know (NULL, e.g. a
 * stopped SQL thread): unknown lag is never zero lag.
 *
 * @param ioThread {@code Yes}, {@code No} or {@code Connecting}
 * @param executedGtids what the replica has applied (MySQL: Executed_Gtid_Set; MariaDB: @@gtid_slave_pos)
 */
record ReplicaStatus(String ioThread, String sqlThread, OptionalLong secondsBehind, String sourceHost, int sourcePort,
                     String sourceLogFile, long readSourceLogPos, String relaySourceLogFile, long execSourceLogPos,
                     String retrievedGtids, String executedGtids, int lastIoErrno, String lastIoError,
                     int lastSqlErrno, String lastSqlError, long sqlDelay) {

    static ReplicaStatus of(Map<String, String> row, String mariaDbGtidSlavePos) {
        Columns columns = new Columns(row);
        String executed = columns.text("Executed_Gtid_Set");
        if (executed.isEmpty() && mariaDbGtidSlavePos != null) {
            executed = mariaDbGtidSlavePos;
        }
        return new ReplicaStatus(
                columns.text("Replica_IO_Running", "Slave_IO_Running"),
                columns.text("Replica_SQL_Running", "Slave_SQL_Running"),
                columns.optionalNumber("Seconds_Behind_Source", "Seconds_Behind_Master"),
                columns.text("Source_Host", "Master_Host"),
                (int) columns.number("Source_Port", "Master_Port"),
                columns.text("Source_Log_File", "Master_Log_File"),
                columns.number("Read_Source_Log_Pos", "Read_Master_Log_Pos"),
                columns.text("Relay_Source_Log_File", "Relay_Master_Log_File"),
                columns.number("Exec_Source_Log_Pos", "Exec_Master_Log_Pos"),
                columns.text("Retrieved_Gtid_Set", "Gtid_IO_Pos"),
                normalizeGtids(executed),
                (int) columns.number("Last_IO_Errno"),
                columns.text("Last_IO_Error"),
                (int) columns.number("Last_SQL_Errno"),
                columns.text("Last_SQL_Error"),
                columns.number("SQL_Delay"));
    }

    boolean ioRunning() {
        return "Yes".equalsIgnoreCase(ioThread);
    }

    boolean sqlRunning() {
        return "Yes".equalsIgnoreCase(sqlThread);
    }

    /** Both threads run and neither reports an error. */
    boolean healthy() {
        return ioRunning() && sqlRunning() && lastIoErrno == 0 && lastSqlErrno == 0;
    }

    /** Why replication is not healthy, in words; empty when it is. */
    String problem() {
        if (lastSqlErrno != 0) {
            return "SQL thread error " + lastSqlErrno + ": " + lastSqlError;
        }
        if (lastIoErrno != 0) {
            return "IO thread error " + lastIoErrno + ": " + lastIoError;
        }
        if (!sqlRunning()) {
            return "SQL thread is not running (" + sqlThread + ")";
        }
        if (!ioRunning()) {
            return "IO thread is not running (" + ioThread + ")";
        }
        return "";
    }

    Map<String, Object> evidence() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("ioThread", ioThread);
        evidence.put("sqlThread", sqlThread);
        evidence.put("secondsBehind", secondsBehind.isPresent() ? secondsBehind.getAsLong() : "unknown");
        evidence.put("source", sourceHost + ":" + sourcePort);
        evidence.put("readSourcePosition", sourceLogFile + ":" + readSourceLogPos);
        evidence.put("execSourcePosition", relaySourceLogFile + ":" + execSourceLogPos);
        evidence.put("retrievedGtids", retrievedGtids);
        evidence.put("executedGtids", executedGtids);
        if (lastIoErrno != 0) {
            evidence.put("lastIoError", lastIoErrno + ": " + lastIoError);
        }
        if (lastSqlErrno != 0) {
            evidence.put("lastSqlError", lastSqlErrno + ": " + lastSqlError);
        }
        if (sqlDelay > 0) {
            evidence.put("sqlDelaySeconds", sqlDelay);
        }
        return evidence;
    }

    /** MySQL prints long GTID sets over several lines. */
    static String normalizeGtids(String gtids) {
        return gtids == null ? "" : gtids.replaceAll("\\s+", "");
    }

    /** Reads a column by the first of its names that the row has. */
    private record Columns(Map<String, String> row) {

        String text(String... names) {
            for (String name : names) {
                if (row.containsKey(name)) {
                    String value = row.get(name);
                    return value == null ? "" : value;
                }
            }
            return "";
        }

        OptionalLong optionalNumber(String... names) {
            String value = text(names).trim();
            return value.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value));
        }

        long number(String... names) {
            return optionalNumber(names).orElse(0);
        }
    }

}
