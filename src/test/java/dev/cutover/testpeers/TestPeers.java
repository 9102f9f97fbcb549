package dev.cutover.testpeers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.mysql.MySQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Real peers for tests (DESIGN.md, "Tests against real peers"), found in this order:
 * <ol>
 * <li>endpoints given by environment variables (or system properties of the same name):
 * {@code CUTOVER_TEST_MYSQL_SOURCE_URL}, {@code CUTOVER_TEST_MYSQL_REPLICA_URL},
 * {@code CUTOVER_TEST_MYSQL_USER}, {@code CUTOVER_TEST_MYSQL_PASSWORD}, {@code CUTOVER_TEST_S3_ENDPOINT},
 * {@code CUTOVER_TEST_DNS_*};</li>
 * <li>Testcontainers when Docker is available: MySQL 8.4 source + replica with GTID replication, S3Mock;</li>
 * <li>otherwise {@code scripts/test-stack.sh up} (MariaDB source + replica with GTID replication, S3Mock
 * as a child process, BIND with a TSIG key on loopback), once per JVM. The DNS server always comes from
 * the environment or the script (no container image is set up for it). The stack stays up after the JVM exits so the next run
 * reuses it; {@code scripts/test-stack.sh down} stops it (CI's {@code .ci/run} does).</li>
 * </ol>
 * {@code CUTOVER_TEST_PEERS=script} skips the Docker check. A peer that cannot be had is a test failure,
 * never a skip: every method throws {@link IllegalStateException} with the reasons.
 */
public final class TestPeers {

    /**
     * A MySQL-compatible source and its replica; {@code user} has all privileges on both. The
     * replication addresses are how each server reaches the other (loopback ports here, network
     * aliases between containers); {@code replicationUser} exists on both servers.
     */
    public record MySqlPair(String sourceUrl, String replicaUrl, String user, String password,
                            String sourceReplicationAddress, String replicaReplicationAddress,
                            String replicationUser, String replicationPassword) {

        /** Peers whose replication addresses are their URLs' host and port (same machine, same network). */
        MySqlPair(String sourceUrl, String replicaUrl, String user, String password) {
            this(sourceUrl, replicaUrl, user, password, address(sourceUrl), address(replicaUrl), "replicator", "replicator");
        }

        private static String address(String jdbcUrl) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^jdbc:[a-z]+://([^:/?]+)(?::(\\d+))?").matcher(jdbcUrl);
            if (!m.find()) {
                throw new IllegalArgumentException("not a JDBC URL: " + jdbcUrl);
            }
            return m.group(1) + ":" + (m.group(2) == null ? "3306" : m.group(2));
        }

        public Connection openSource() throws SQLException {
            return DriverManager.getConnection(sourceUrl, user, password);
        }

        public Connection openReplica() throws SQLException {
            return DriverManager.getConnection(replicaUrl, user, password);
        }
    }

    /**
     * An authoritative DNS server for {@code zone} that accepts RFC 2136 updates signed with the TSIG key.
     * {@link #toString()} leaves out the secret.
     */
    public record DnsServer(String host, int port, String zone, String tsigName, String tsigAlgorithm,
                            String tsigSecret) {

        @Override
        public String toString() {
            return "DnsServer[" + host + ":" + port + ", zone " + zone + ", TSIG " + tsigName + " (" + tsigAlgorithm + ")]";
        }
    }

    static final String SOURCE_URL = "CUTOVER_TEST_MYSQL_SOURCE_URL";
    static final String REPLICA_URL = "CUTOVER_TEST_MYSQL_REPLICA_URL";
    static final String USER = "CUTOVER_TEST_MYSQL_USER";
    static final String PASSWORD = "CUTOVER_TEST_MYSQL_PASSWORD";
    static final String S3_ENDPOINT = "CUTOVER_TEST_S3_ENDPOINT";
    static final String STACK_DIR = "CUTOVER_TEST_STACK_DIR";
    static final String DNS_SERVER = "CUTOVER_TEST_DNS_SERVER";
    static final String DNS_PORT = "CUTOVER_TEST_DNS_PORT";
    static final String DNS_ZONE = "CUTOVER_TEST_DNS_ZONE";
    static final String DNS_TSIG_NAME = "CUTOVER_TEST_DNS_TSIG_NAME";
    static final String DNS_TSIG_ALGORITHM = "CUTOVER_TEST_DNS_TSIG_ALGORITHM";
    static final String DNS_TSIG_SECRET = "CUTOVER_TEST_DNS_TSIG_SECRET";
    private static final List<String> DNS_SETTINGS = List.of(DNS_SERVER, DNS_PORT, DNS_ZONE, DNS_TSIG_NAME,
            DNS_TSIG_ALGORITHM, DNS_TSIG_SECRET);
    static final String PEERS_MODE = "CUTOVER_TEST_PEERS";

    private static final String DATABASE = "cutover_test";
    private static final String DB_USER = "cutover";
    private static final String DB_PASSWORD = "cutover";
    private static final DockerImageName MYSQL_IMAGE = DockerImageName.parse("mysql:8.4");
    private static final DockerImageName S3MOCK_IMAGE = DockerImageName.parse("adobe/s3mock:5.2.0");
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(10); // a fresh machine installs MariaDB first

    private static MySqlPair mariaDb;
    private static URI s3Endpoint;
    private static DnsServer dnsServer;
    private static Boolean dockerAvailable;
    private static Map<String, String> scriptEnv;
    private static RuntimeException scriptFailure;

    private TestPeers() {
    }

    /** The MySQL-compatible source/replica pair: MariaDB from the script, or MySQL 8.4 in Docker. */
    public static synchronized MySqlPair mariaDb() {
        if (mariaDb == null) {
            mariaDb = findMySqlPair();
        }
        return mariaDb;
    }

    /** Base URI of an S3-compatible endpoint (S3Mock; path-style access, any credentials). */
    public static synchronized URI s3Endpoint() {
        if (s3Endpoint == null) {
            s3Endpoint = findS3Endpoint();
        }
        return s3Endpoint;
    }

    /** A client of the test S3 endpoint ({@link #s3Endpoint}) for a test's own setup and checks. */
    public static S3Client s3Client() {
        return s3Client(s3Endpoint());
    }

    /** A client of an S3Mock at {@code endpoint} (a private one, or a relay in front of one): path style, test keys. */
    public static S3Client s3Client(URI endpoint) {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    /** BIND on loopback from {@code scripts/test-stack.sh}, or the server the CUTOVER_TEST_DNS_* variables name. */
    public static synchronized DnsServer dnsServer() {
        if (dnsServer == null) {
            dnsServer = findDnsServer();
        }
        return dnsServer;
    }

    private static DnsServer findDnsServer() {
        List<String> given = DNS_SETTINGS.stream().filter(name -> setting(name) != null).toList();
        Map<String, String> env;
        if (!given.isEmpty()) {
            if (given.size() != DNS_SETTINGS.size()) {
                throw missing("DNS server", String.join(", ", DNS_SETTINGS) + " must be set together (only "
                        + String.join(", ", given) + " are)", null);
            }
            env = new LinkedHashMap<>();
            for (String name : DNS_SETTINGS) {
                env.put(name, setting(name));
            }
        } else {
            env = scriptEnv();
        }
        try {
            return new DnsServer(required(env, DNS_SERVER), Integer.parseInt(required(env, DNS_PORT)),
                    required(env, DNS_ZONE), required(env, DNS_TSIG_NAME), required(env, DNS_TSIG_ALGORITHM),
                    required(env, DNS_TSIG_SECRET));
        }
        catch (NumberFormatException ex) {
            throw missing("DNS server", DNS_PORT + " is not a port number", ex);
        }
    }

    private static MySqlPair findMySqlPair() {
        String source = setting(SOURCE_URL);
        String replica = setting(REPLICA_URL);
        if (source != null || replica != null) {
            if (source == null || replica == null) {
                throw missing("MySQL source/replica", SOURCE_URL + " and " + REPLICA_URL
                        + " must be set together (only one of them is)", null);
            }
            return new MySqlPair(source, replica, orDefault(setting(USER), DB_USER),
                    orDefault(setting(PASSWORD), DB_PASSWORD));
        }
        if (useDocker()) {
            try {
                return Containers.mysqlPair();
            }
            catch (RuntimeException ex) {
                throw missing("MySQL source/replica", "Docker is available but the MySQL 8.4 containers failed", ex);
            }
        }
        Map<String, String> env = scriptEnv();
        return new MySqlPair(required(env, SOURCE_URL), required(env, REPLICA_URL), required(env, USER),
                required(env, PASSWORD));
    }

    private static URI findS3Endpoint() {
        String endpoint = setting(S3_ENDPOINT);
        if (endpoint != null) {
            return URI.create(endpoint);
        }
        if (useDocker()) {
            try {
                return Containers.s3Endpoint();
            }
            catch (RuntimeException ex) {
                throw missing("S3 endpoint", "Docker is available but the S3Mock container failed", ex);
            }
        }
        return URI.create(required(scriptEnv(), S3_ENDPOINT));
    }

    private static boolean useDocker() {
        if ("script".equalsIgnoreCase(setting(PEERS_MODE))) {
            return false;
        }
        if (dockerAvailable == null) {
            boolean available;
            try {
                available = DockerClientFactory.instance().isDockerAvailable();
            }
            catch (RuntimeException | LinkageError ex) {
                available = false;
            }
            dockerAvailable = available;
        }
        return dockerAvailable;
    }

    // ---- (c) scripts/test-stack.sh -------------------------------------------------------------

    private static Map<String, String> scriptEnv() {
        if (scriptEnv != null) {
            return scriptEnv;
        }
        if (scriptFailure != null) {
            throw scriptFailure;
        }
        try {
            scriptEnv = startScriptStack();
            return scriptEnv;
        }
        catch (RuntimeException ex) {
            scriptFailure = ex;
            throw ex;
        }
    }

    private static Map<String, String> startScriptStack() {
        Path repo = repoRoot();
        Path script = repo.resolve("scripts/test-stack.sh");
        String configuredDir = setting(STACK_DIR);
        Path stateDir = configuredDir != null ? Path.of(configuredDir).toAbsolutePath()
                : repo.resolve(".test-stack");
        Path log;
        try {
            Files.createDirectories(stateDir);
            log = stateDir.resolve("test-peers-up.log");
        }
        catch (IOException ex) {
            throw missing("local test stack", "cannot create state dir " + stateDir, ex);
        }
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", script.toString(), "up")).directory(repo.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().put(STACK_DIR, stateDir.toString());
        int exit;
        try {
            Process process = builder.start();
            if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw missing("local test stack", script + " up did not finish within " + SCRIPT_TIMEOUT
                        + "\n--- " + log + " ---\n" + tail(log), null);
            }
            exit = process.exitValue();
        }
        catch (IOException ex) {
            throw missing("local test stack", "cannot run " + script + " (is bash installed?)", ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw missing("local test stack", "interrupted while running " + script + " up", ex);
        }
        if (exit != 0) {
            throw missing("local test stack", script + " up failed with exit code " + exit
                    + "\n--- " + log + " ---\n" + tail(log), null);
        }
        return parseEnvFile(stateDir.resolve("env"));
    }

    /** Parses {@code export NAME=value} lines as written by the script. */
    static Map<String, String> parseEnvFile(Path file) {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            throw missing("local test stack", "the script reported success but " + file + " is unreadable", ex);
        }
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (trimmed.startsWith("export ")) {
                trimmed = trimmed.substring("export ".length()).strip();
            }
            int eq = trimmed.indexOf('=');
            if (eq > 0) {
                env.put(trimmed.substring(0, eq), unquote(trimmed.substring(eq + 1)));
            }
        }
        return env;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("'") && value.endsWith("'")
                || value.startsWith("\"") && value.endsWith("\""))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static Path repoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/test-stack.sh"))) {
                return dir;
            }
        }
        throw missing("local test stack", "scripts/test-stack.sh not found above " + Path.of("").toAbsolutePath(),
                null);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
        catch (IOException | UncheckedIOException ex) {
            return "(no log: " + ex.getMessage() + ")";
        }
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw missing("local test stack", "the stack's env file has no " + name, null);
        }
        return value;
    }

    // ---- shared --------------------------------------------------------------------------------

    private static String setting(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            value = System.getProperty(name);
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String orDefault(String value, String fallback) {
        return value != null ? value : fallback;
    }

    private static IllegalStateException missing(String peer, String reason, Throwable cause) {
        String message = """

                ==================================================================================
                 TEST PEER MISSING: %s
                 %s
                 Peers are looked up in this order: (a) environment variables %s, %s, %s
                 (b) Testcontainers when Docker is available, (c) scripts/test-stack.sh up.
                 A missing peer fails the tests; it is never a skip. Start the peers by hand with
                   scripts/test-stack.sh up   (and stop them with scripts/test-stack.sh down)
                ==================================================================================
                """.formatted(peer, reason.replace("\n", "\n "), SOURCE_URL, REPLICA_URL, S3_ENDPOINT);
        return new IllegalStateException(message, cause);
    }

    // ---- (b) Testcontainers --------------------------------------------------------------------

    /**
     * Containers started once per JVM and left to Testcontainers' reaper. Only loaded when Docker is there.
     */
    private static final class Containers {

        private static Network network;

        @SuppressWarnings("resource") // lives as long as the JVM; Ryuk removes it
        static synchronized MySqlPair mysqlPair() {
            if (network == null) {
                network = Network.newNetwork();
            }
            MySQLContainer source = mysql("mysql-source", 1);
            MySQLContainer replica = mysql("mysql-replica", 2).withCommand(serverArgs(2, "--read-only=ON",
                    "--skip-replica-start"));
            source.start();
            replica.start();
            try (Connection src = DriverManager.getConnection(source.getJdbcUrl(), "root", DB_PASSWORD);
                    Connection rep = DriverManager.getConnection(replica.getJdbcUrl(), "root", DB_PASSWORD)) {
                // Both containers ran the same entrypoint init (database, user). Tell the replica it
                // already has what the source did so far; everything after that replicates.
                String initialGtids = single(src, "SELECT @@GLOBAL.gtid_executed");
                execute(rep, "RESET BINARY LOGS AND GTIDS");
                execute(rep, "SET GLOBAL gtid_purged = '" + initialGtids + "'");
                execute(src, "CREATE USER 'replicator'@'%' IDENTIFIED BY 'replicator'");
                execute(src, "GRANT REPLICATION SLAVE ON *.* TO 'replicator'@'%'");
                execute(src, "GRANT ALL PRIVILEGES ON *.* TO '" + DB_USER + "'@'%' WITH GRANT OPTION");
                execute(rep, "CHANGE REPLICATION SOURCE TO SOURCE_HOST='mysql-source', SOURCE_PORT=3306, "
                        + "SOURCE_USER='replicator', SOURCE_PASSWORD='replicator', SOURCE_AUTO_POSITION=1, "
                        + "GET_SOURCE_PUBLIC_KEY=1, SOURCE_CONNECT_RETRY=1");
                execute(rep, "START REPLICA");
                String target = single(src, "SELECT @@GLOBAL.gtid_executed");
                if (!"0".equals(single(rep, "SELECT WAIT_FOR_EXECUTED_GTID_SET('" + target + "', 60)"))) {
                    throw new IllegalStateException("MySQL replica did not reach GTID set " + target);
                }
                try (Statement st = rep.createStatement(); ResultSet rs = st.executeQuery("SHOW REPLICA STATUS")) {
                    if (!rs.next() || !"Yes".equals(rs.getString("Replica_IO_Running"))
                            || !"Yes".equals(rs.getString("Replica_SQL_Running"))) {
                        throw new IllegalStateException("MySQL replica threads are not running");
                    }
                }
            }
            catch (SQLException ex) {
                throw new IllegalStateException("setting up MySQL GTID replication failed: " + ex.getMessage(), ex);
            }
            return new MySqlPair(source.getJdbcUrl(), replica.getJdbcUrl(), DB_USER, DB_PASSWORD, "mysql-source:3306",
                    "mysql-replica:3306", "replicator", "replicator");
        }

        @SuppressWarnings("resource")
        static synchronized URI s3Endpoint() {
            GenericContainer<?> s3mock = new GenericContainer<>(S3MOCK_IMAGE).withExposedPorts(9090)
                    .waitingFor(Wait.forHttp("/").forPort(9090).forStatusCode(200))
                    .withStartupTimeout(Duration.ofMinutes(2));
            s3mock.start();
            return URI.create("http://" + s3mock.getHost() + ":" + s3mock.getMappedPort(9090));
        }

        private static MySQLContainer mysql(String alias, int serverId) {
            return new MySQLContainer(MYSQL_IMAGE).withDatabaseName(DATABASE).withUsername(DB_USER)
                    .withPassword(DB_PASSWORD).withUrlParam("useSSL", "false")
                    .withUrlParam("allowPublicKeyRetrieval", "true").withNetwork(network).withNetworkAliases(alias)
                    .withCommand(serverArgs(serverId)).withStartupTimeout(Duration.ofMinutes(3));
        }

        private static String[] serverArgs(int serverId, String... extra) {
            String[] base = { "--server-id=" + serverId, "--log-bin=mysql-bin", "--gtid-mode=ON",
                    "--enforce-gtid-consistency=ON", "--log-replica-updates=ON", "--skip-name-resolve" };
            String[] all = new String[base.length + extra.length];
            System.arraycopy(base, 0, all, 0, base.length);
            System.arraycopy(extra, 0, all, base.length, extra.length);
            return all;
        }

        private static void execute(Connection connection, String sql) throws SQLException {
            try (Statement st = connection.createStatement()) {
                st.execute(sql);
            }
        }

        private static String single(Connection connection, String sql) throws SQLException {
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                String value = rs.getString(1);
                return value == null ? "" : value.replace("\n", "");
            }
        }
    }
}
