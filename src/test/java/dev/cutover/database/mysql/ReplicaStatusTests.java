package dev.cutover.database.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code SHOW REPLICA STATUS} rows captured from MySQL 8.4 and MariaDB 10.11 (trimmed to the columns
 * read), so both dialects are exercised here; the MariaDB dialect also runs for real against the
 * test stack ({@link MySqlEngineTests}) and the MySQL one where Docker runs MySQL 8.4.
 */
class ReplicaStatusTests {

    private static Map<String, String> mysql84(String sqlRunning, String secondsBehind) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("Replica_IO_State", "Waiting for source to send event");
        row.put("Source_Host", "mysql-source");
        row.put("Source_User", "replicator");
        row.put("Source_Port", "3306");
        row.put("Source_Log_File", "mysql-bin.000003");
        row.put("Read_Source_Log_Pos", "158743");
        row.put("Relay_Log_File", "relay-bin.000002");
        row.put("Relay_Source_Log_File", "mysql-bin.000003");
        row.put("Replica_IO_Running", "Yes");
        row.put("Replica_SQL_Running", sqlRunning);
        row.put("Last_Errno", "0");
        row.put("Exec_Source_Log_Pos", "158001");
        row.put("Seconds_Behind_Source", secondsBehind);
        row.put("Last_IO_Errno", "0");
        row.put("Last_IO_Error", "");
        row.put("Last_SQL_Errno", "0");
        row.put("Last_SQL_Error", "");
        row.put("SQL_Delay", "0");
        row.put("Retrieved_Gtid_Set", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-77");
        row.put("Executed_Gtid_Set", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-75,\n"
                + "4f22ab58-71ca-11e1-9e33-c80aa9429563:1-3");
        row.put("Auto_Position", "1");
        return row;
    }

    private static Map<String, String> mariaDb1011(String sqlRunning, String secondsBehind, String sqlErrno) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("Slave_IO_State", "Waiting for master to send event");
        row.put("Master_Host", "127.0.0.1");
        row.put("Master_User", "replicator");
        row.put("Master_Port", "13306");
        row.put("Master_Log_File", "source-bin.000001");
        row.put("Read_Master_Log_Pos", "1879");
        row.put("Relay_Master_Log_File", "source-bin.000001");
        row.put("Slave_IO_Running", "Yes");
        row.put("Slave_SQL_Running", sqlRunning);
        row.put("Exec_Master_Log_Pos", "1500");
        row.put("Seconds_Behind_Master", secondsBehind);
        row.put("Last_IO_Errno", "0");
        row.put("Last_IO_Error", "");
        row.put("Last_SQL_Errno", sqlErrno);
        row.put("Last_SQL_Error", "0".equals(sqlErrno) ? "" : "Could not execute Write_rows_v1 event on table "
                + "cutover_test.orders; Duplicate entry '7' for key 'PRIMARY'");
        row.put("Using_Gtid", "Slave_Pos");
        row.put("Gtid_IO_Pos", "0-1-9");
        row.put("SQL_Delay", "0");
        return row;
    }

    @Test
    void readsMySql84ColumnNames() {
        ReplicaStatus status = ReplicaStatus.of(mysql84("Yes", "4"), null);

        assertThat(status.healthy()).isTrue();
        assertThat(status.secondsBehind()).hasValue(4);
        assertThat(status.sourceHost()).isEqualTo("mysql-source");
        assertThat(status.sourcePort()).isEqualTo(3306);
        assertThat(status.readSourceLogPos()).isEqualTo(158743);
        assertThat(status.execSourceLogPos()).isEqualTo(158001);
        assertThat(status.retrievedGtids()).isEqualTo("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-77");
        assertThat(status.executedGtids()).as("multi-line GTID sets are joined")
                .isEqualTo("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-75,4f22ab58-71ca-11e1-9e33-c80aa9429563:1-3");
    }

    @Test
    void readsMariaDbColumnNamesWithExecutedGtidsFromGtidSlavePos() {
        ReplicaStatus status = ReplicaStatus.of(mariaDb1011("Yes", "0", "0"), "0-1-8");

        assertThat(status.healthy()).isTrue();
        assertThat(status.secondsBehind()).hasValue(0);
        assertThat(status.sourcePort()).isEqualTo(13306);
        assertThat(status.execSourceLogPos()).isEqualTo(1500);
        assertThat(status.retrievedGtids()).isEqualTo("0-1-9");
        assertThat(status.executedGtids()).isEqualTo("0-1-8");
    }

    @Test
    void nullSecondsBehindIsUnknownNeverZeroInBothDialects() {
        ReplicaStatus mysql = ReplicaStatus.of(mysql84("No", null), null);
        ReplicaStatus mariaDb = ReplicaStatus.of(mariaDb1011("No", null, "0"), "0-1-8");

        assertThat(mysql.secondsBehind()).isEmpty();
        assertThat(mariaDb.secondsBehind()).isEmpty();
        assertThat(mysql.evidence()).containsEntry("secondsBehind", "unknown");
        assertThat(mariaDb.problem()).isEqualTo("SQL thread is not running (No)");
    }

    @Test
    void aReplicationErrorIsTheProblemNamed() {
        ReplicaStatus status = ReplicaStatus.of(mariaDb1011("No", null, "1062"), "0-1-8");

        assertThat(status.healthy()).isFalse();
        assertThat(status.problem()).startsWith("SQL thread error 1062: Could not execute Write_rows_v1");
        assertThat(status.evidence()).containsKey("lastSqlError");
    }
}
