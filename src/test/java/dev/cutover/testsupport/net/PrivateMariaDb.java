package dev.cutover.testsupport.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * A MariaDB server of a test's own, running inside a {@link FaultyLink}'s namespace on
 * {@code peerAddress:3306} ({@link #start}), or on the host end of the veth ({@link #startOnHostEnd},
 * e.g. a source whose replica is inside): same binaries and settings as {@code scripts/test-stack.sh}
 * (GTID, ROW binlog), never the shared pair. Administered as root through its Unix socket, which no
 * network fault reaches; clients connect across the link as {@link #USER}. The users are created
 * outside the binlog, so a replica of it can replay its whole binlog. {@link #close()} stops it and
 * deletes its data (the link stops it too, if a test forgets).
 */
public final class PrivateMariaDb implements AutoCloseable {

    public static final String USER = "cutover";
    public static final String PASSWORD = "cutover";
    public static final int PORT = 3306;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final FaultyLink link;
    private final Path dir;
    private volatile Process process;
    private final String host;
    private final int port;
    private final boolean inside;
    private final String[] command;
    private final String log;

    private PrivateMariaDb(FaultyLink link, Path dir, Process process, String host, int port, boolean inside,
                           String[] command, String log) {
        this.link = link;
        this.dir = dir;
        this.process = process;
        this.host = host;
        this.port = port;
        this.inside = inside;
        this.command = command;
        this.log = log;
    }

    /**
     * A fresh server with {@code serverId} and these extra {@code [mysqld]} lines, answering, with the
     * user {@link #USER} (all privileges) created; the test is skipped when MariaDB is not installed.
     */
    public static PrivateMariaDb start(FaultyLink link, int serverId, String extraSettings) throws IOException {
        return start(link, true, PORT, serverId, extraSettings);
    }

    /** As {@link #start}, but on the host end of the veth ({@code hostAddress:port}), outside the namespace. */
    public static PrivateMariaDb startOnHostEnd(FaultyLink link, int port, int serverId, String extraSettings)
            throws IOException {
        return start(link, false, port, serverId, extraSettings);
    }

    private static PrivateMariaDb start(FaultyLink link, boolean inside, int port, int serverId, String extraSettings)
            throws IOException {
        String bind = (inside ? link.peerAddress() : link.hostAddress()).getHostAddress();
        String mariadbd = which("mariadbd", "/usr/sbin/mariadbd", "/usr/sbin/mysqld");
        Assumptions.assumeTrue(mariadbd != null && which("mariadb-install-db", "/usr/bin/mariadb-install-db") != null,
                "a private MariaDB needs Debian's mariadb-server (scripts/test-stack.sh install adds it)");
        // Short: a Unix socket path must stay under ~107 bytes.
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "nfdb" + COUNTER.incrementAndGet() + "-");
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(dir.resolve("my.cnf"), """
                # A private MariaDB of a network fault test, inside namespace %s.
                [mysqld]
                datadir                = %s/data
                tmpdir                 = %s/tmp
                socket                 = %s/mysqld.sock
                pid-file               = %s/mysqld.pid
                log_error              = %s/error.log
                port                   = %d
                bind_address           = %s
                skip_name_resolve
                server_id              = %d
                log_bin                = binlog
                relay_log              = relay-bin
                binlog_format          = ROW
                log_slave_updates      = ON
                gtid_strict_mode       = ON
                innodb_buffer_pool_size = 32M
                innodb_log_file_size   = 8M
                innodb_flush_log_at_trx_commit = 2
                sync_binlog            = 0
                performance_schema     = OFF
                skip_slave_start
                %s
                """.formatted(link.namespace(), dir, dir, dir, dir, dir, port, bind, serverId, extraSettings));
        run(List.of("mariadb-install-db", "--defaults-file=" + dir.resolve("my.cnf"), "--user=root",
                "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"), Duration.ofSeconds(60));
        String[] command = { mariadbd, "--defaults-file=" + dir.resolve("my.cnf"), "--user=root" };
        String log = "mariadb-" + serverId + ".log";
        PrivateMariaDb server = new PrivateMariaDb(link, dir, launch(link, inside, log, command), bind, port, inside,
                command, log);
        server.awaitSocket();
        server.sql("SET SESSION sql_log_bin = 0;"
                + " CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "';"
                + " GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION;"
                + " CREATE USER 'replicator'@'%' IDENTIFIED BY 'replicator';"
                + " GRANT REPLICATION SLAVE, SLAVE MONITOR, BINLOG MONITOR ON *.* TO 'replicator'@'%';");
        return server;
    }

    private static Process launch(FaultyLink link, boolean inside, String log, String... command) throws IOException {
        Process process = inside ? link.startInside(log, command)
                : new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(
                        ProcessBuilder.Redirect.appendTo(link.logs().resolve(log).toFile())).start();
        if (!inside) {
            link.adopt(process);
        }
        return process;
    }

    /** SIGKILL, as a crashed host would: no shutdown, whatever InnoDB and the relay log have on disk stays. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("MariaDB in " + link.namespace() + " survived SIGKILL for 10 s");
        }
    }

    /**
     * Starts the server again on the same data after {@link #kill9()}, as its service manager would:
     * crash recovery, then — unlike the first start — its replication starts by itself.
     */
    public void restart() throws IOException {
        String[] again = java.util.Arrays.copyOf(command, command.length + 1);
        again[command.length] = "--skip-slave-start=OFF";
        process = launch(link, inside, log, again);
        awaitSocket();
    }

    /** {@code jdbc:mysql://address:port/database} with short timeouts (a partition must not hang a test). */
    public String jdbcUrl(String database) {
        return "jdbc:mysql://" + host + ":" + port + "/" + database
                + "?connectTimeout=2000&socketTimeout=5000";
    }

    /** Runs SQL as root over the Unix socket (unaffected by the link's faults); tab-separated rows. */
    public String sql(String statements) {
        return run(List.of("mariadb", "--no-defaults", "--socket=" + dir.resolve("mysqld.sock"), "-uroot", "-N", "-B",
                "-e", statements), Duration.ofSeconds(30));
    }

    /** Stops the server and deletes its directory. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp dir is not worth failing a test for
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Path errorLog() {
        return dir.resolve("error.log");
    }

    private void awaitSocket() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("MariaDB in " + link.namespace() + " ended during startup: " + tail(errorLog()));
            }
            try {
                sql("SELECT 1");
                return;
            } catch (IllegalStateException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
        throw new IOException("MariaDB in " + link.namespace() + " not up after 60 s: " + tail(errorLog()));
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static String which(String... candidates) {
        for (String candidate : candidates) {
            if (candidate.startsWith("/")) {
                if (Files.isExecutable(Path.of(candidate))) {
                    return candidate;
                }
            } else {
                for (String path : System.getenv().getOrDefault("PATH", "").split(":")) {
                    if (!path.isEmpty() && Files.isExecutable(Path.of(path, candidate))) {
                        return Path.of(path, candidate).toString();
                    }
                }
            }
        }
        return null;
    }

    private static String run(List<String> command, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            boolean ended = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!ended) {
                process.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not end in " + timeout);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command.get(0) + " exited with " + process.exitValue() + ": " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
