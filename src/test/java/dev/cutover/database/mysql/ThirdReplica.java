package dev.cutover.database.mysql;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A third, throw-away MariaDB started by the test itself from the test stack's binaries (server
 * id 3, GTID, read-only), replicating from the pair's source: another replica for
 * {@code mysql-promote}'s {@code repoint}. Available only where {@code mariadbd} is installed (not
 * in the MySQL 8.4 containers' world).
 */
final class ThirdReplica implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final Process server;

    private ThirdReplica(Path dir, int port, Process server) {
        this.dir = dir;
        this.port = port;
        this.server = server;
    }

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/mariadbd")) && Files.isExecutable(Path.of("/usr/bin/mariadb-install-db"));
    }

    /** Starts it and makes it replicate (GTID, from the beginning of the source's binlog) from the pair's source. */
    static ThirdReplica start(ReplicationPair pair) throws Exception {
        Path dir = Files.createTempDirectory("third-replica-");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> common = new ArrayList<>(List.of("--no-defaults", "--datadir=" + dir.resolve("data")));
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            common.add("--user=root");
        }
        List<String> install = new ArrayList<>(List.of("/usr/bin/mariadb-install-db"));
        install.addAll(common);
        install.addAll(List.of("--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"));
        run(install, dir.resolve("install.log"));
        List<String> serve = new ArrayList<>(List.of("/usr/sbin/mariadbd"));
        serve.addAll(common);
        serve.addAll(List.of("--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mysqld.sock"),
                "--skip-name-resolve", "--server-id=3", "--log-bin=third-bin", "--binlog-format=ROW",
                "--log-slave-updates=ON", "--gtid-strict-mode=ON", "--read-only=ON", "--skip-slave-start",
                "--innodb-buffer-pool-size=32M", "--performance-schema=OFF", "--pid-file=" + dir.resolve("mariadbd.pid")));
        Process server = new ProcessBuilder(serve).redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile())
                .start();
        ThirdReplica replica = new ThirdReplica(dir, port, server);
        try {
            replica.awaitSocket();
            // From the beginning of the source's binlog: users, grants and databases arrive by replication.
            Map<String, String> source = pair.settings("source");
            replica.socketSql("RESET MASTER; SET GLOBAL gtid_slave_pos = ''; CHANGE MASTER TO MASTER_HOST='"
                    + source.get("replicationHost") + "', MASTER_PORT=" + source.get("replicationPort") + ", MASTER_USER='"
                    + pair.peers.replicationUser() + "', MASTER_PASSWORD='" + pair.peers.replicationPassword()
                    + "', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; START SLAVE;");
            replica.awaitCaughtUp(pair);
            return replica;
        } catch (Exception e) {
            replica.close();
            throw e;
        }
    }

    /** Waits until it logs in the tests' admin account (replicated) and executed the source's position. */
    void awaitCaughtUp(ReplicationPair pair) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (MySqlServer source = pair.server("source"); MySqlServer third = server(pair)) {
                if (third.waitForGtids(source.sourcePosition().gtids(), Duration.ofSeconds(5))) {
                    return;
                }
            } catch (SQLException e) {
                last = e; // the admin account has not replicated yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("third MariaDB did not catch up with the source"
                + (last == null ? "" : ": " + last.getMessage()));
    }

    MySqlServer server(ReplicationPair pair) throws SQLException {
        Map<String, String> settings = settings(pair);
        return MySqlServer.connect(MySqlSettings.of("third", name -> java.util.Optional.ofNullable(settings.get(name))));
    }

    /** Connection settings as a runbook would give them. */
    Map<String, String> settings(ReplicationPair pair) {
        return Map.of("url", url(), "user", pair.peers.user(), "password", pair.peers.password(),
                "replicationUser", pair.peers.replicationUser(), "replicationPassword", pair.peers.replicationPassword(),
                "replicationHost", "127.0.0.1", "replicationPort", String.valueOf(port));
    }

    String url() {
        return "jdbc:mysql://127.0.0.1:" + port + "/";
    }

    Connection admin(ReplicationPair pair) throws SQLException {
        return DriverManager.getConnection(url(), pair.peers.user(), pair.peers.password());
    }

    private void awaitSocket() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("third MariaDB exited: " + Files.readString(dir.resolve("server.log")));
            }
            if (Files.exists(dir.resolve("mysqld.sock"))) {
                try {
                    socketSql("SELECT 1");
                    return;
                } catch (IllegalStateException notYet) {
                    // the socket file appears a moment before the server accepts
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("third MariaDB not up after 60 s");
    }

    private void socketSql(String sql) throws IOException, InterruptedException {
        run(List.of("mariadb", "--no-defaults", "--socket=" + dir.resolve("mysqld.sock"), "-uroot", "-e", sql),
                dir.resolve("sql.log"));
    }

    private static void run(List<String> command, Path log) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(command.get(0) + " failed: " + Files.readString(log));
        }
    }

    @Override
    public void close() {
        server.destroy();
        try {
            server.waitFor();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}
