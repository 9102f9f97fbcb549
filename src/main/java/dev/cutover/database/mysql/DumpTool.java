package dev.cutover.database.mysql;

import java.util.ArrayList;
import java.util.List;

/**
 * The dump tool and client of a server's flavor, and their command lines. Never a password on a
 * command line: {@link ToolProcess} hands it over in {@code MYSQL_PWD}. {@code --no-defaults} keeps
 * the service account's own option files out of it.
 *
 * <p>The dump is consistent ({@code --single-transaction}: one REPEATABLE READ snapshot, no lock held
 * on InnoDB tables) and records the position it is consistent with as comments the tool writes from
 * inside that snapshot: MariaDB's {@code --master-data=2 --gtid} gives the binlog file and offset and
 * {@code gtid_slave_pos} (MariaDB takes them from {@code binlog_snapshot_file/position} without a global
 * read lock); MySQL's {@code --source-data=2 --set-gtid-purged=COMMENTED} gives the file, offset and
 * {@code gtid_executed} (it holds {@code FLUSH TABLES WITH READ LOCK} for an instant, after the freeze
 * that is harmless). Reading {@code @@gtid_binlog_pos} over JDBC instead would not be inside the
 * tool's transaction. {@code --no-create-db} with {@code --databases} leaves only {@code USE} lines
 * naming the databases, which the restore check rewrites to scratch names.
 */
record DumpTool(boolean mariaDb) {

    static DumpTool of(ServerFlavor flavor) {
        return new DumpTool(flavor.mariaDb());
    }

    String dumpName() {
        return mariaDb ? "mariadb-dump" : "mysqldump";
    }

    String clientName() {
        return mariaDb ? "mariadb" : "mysql";
    }

    List<String> dumpCommand(MySqlSettings server, List<String> databases) {
        List<String> command = new ArrayList<>(List.of(dumpName(), "--no-defaults"));
        command.addAll(login(server));
        command.addAll(List.of("--single-transaction", "--quick", "--hex-blob", "--triggers", "--no-create-db",
                "--default-character-set=utf8mb4"));
        if (mariaDb) {
            command.addAll(List.of("--master-data=2", "--gtid"));
        } else {
            command.addAll(List.of("--source-data=2", "--set-gtid-purged=COMMENTED", "--column-statistics=0"));
        }
        command.add("--databases");
        command.addAll(databases);
        return command;
    }

    /**
     * The client reading SQL on stdin, into the databases the script's {@code USE} lines name.
     *
     * @param unlogged keep what it writes out of the binlog ({@code sql_log_bin=0}, needs SUPER or BINLOG
     *                 ADMIN), so a scratch restore is not shipped to the server's replicas
     */
    List<String> clientCommand(MySqlSettings server, boolean unlogged) {
        List<String> command = new ArrayList<>(List.of(clientName(), "--no-defaults"));
        command.addAll(login(server));
        command.addAll(List.of("--batch", "--default-character-set=utf8mb4"));
        if (unlogged) {
            command.add("--init-command=SET SESSION sql_log_bin = 0");
        }
        return command;
    }

    private static List<String> login(MySqlSettings server) {
        return List.of("--protocol=TCP", "--host=" + server.host(), "--port=" + server.port(), "--user=" + server.user());
    }
}
