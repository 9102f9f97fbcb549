package dev.cutover.database.mysql;

import dev.cutover.step.ResolvedConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * One admin session on one monitored MySQL or MariaDB server: what it says about replication and
 * its binlog, and the few moves a cutover makes on it. Statements that differ by dialect come
 * from {@link ServerFlavor}. Statements carrying a password are never logged or echoed.
 */
final class MySqlServer implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MS = 5_000;
    /** By url and the version the server greets with: see {@link #flavor}. */
    private static final Map<String, ServerFlavor> FLAVORS = new java.util.concurrent.ConcurrentHashMap<>();

    private final MySqlSettings settings;
    private final Connection connection;
    private final ServerFlavor flavor;
    /** Longest wait for any answer (zero: none), beyond a wait the statement asks for itself. */
    private Duration statementTimeout = Duration.ZERO;

    private MySqlServer(MySqlSettings settings, Connection connection, ServerFlavor flavor) {
        this.settings = settings;
        this.connection = connection;
        this.flavor = flavor;
    }

    /**
     * A session whose statements fail when no answer arrives within {@code timeout} (plus the wait a
     * statement such as MASTER_GTID_WAIT asks for): a link cut mid-statement leaves the socket silent,
     * and without a timeout the read waits for ever (TCP keep-alive only speaks after two hours).
     */
    static MySqlServer connect(ResolvedConnection resolved, Duration statementTimeout) throws SQLException {
        MySqlServer server = connect(resolved);
        try {
            server.statementTimeout = statementTimeout;
            server.networkTimeout(Duration.ZERO);
            return server;
        } catch (SQLException e) {
            server.close();
            throw e;
        }
    }

    /** Sets the socket's read timeout to the statement timeout plus {@code asked}; none when there is no statement timeout. */
    private void networkTimeout(Duration asked) throws SQLException {
        if (!statementTimeout.isZero()) {
            connection.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, statementTimeout.plus(asked).toMillis()));
        }
    }

    /** Says which server fell silent and for how long, instead of the driver's "Communications link failure". */
    private SQLException silent(SQLException e, Duration asked) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.SocketTimeoutException) {
                return new SQLException("no answer from " + settings.name() + " (" + settings.address() + ") within the "
                        + "statement timeout of " + dev.cutover.step.DurationText.of(statementTimeout)
                        + (asked.isZero() ? "" : " after a wait of " + dev.cutover.step.DurationText.of(asked))
                        + ": is the link to it down?", e.getSQLState(), e.getErrorCode(), e);
            }
        }
        return e;
    }

    static MySqlServer connect(ResolvedConnection resolved) throws SQLException {
        return connect(MySqlSettings.of(resolved));
    }

    static MySqlServer connect(MySqlSettings settings) throws SQLException {
        Connection kept = IdleSessions.SHARED.take(settings);
        if (kept != null) {
            return new MySqlServer(settings, kept, flavor(settings, kept));
        }
        Properties properties = new Properties();
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_MS));
        properties.setProperty("tcpKeepAlive", "true");
        // Autocommit is only ever set through the driver: without this it sends SET autocommit=1 on connect.
        properties.setProperty("useLocalSessionState", "true");
        Connection connection;
        try {
            connection = DriverManager.getConnection(settings.url(), properties);
        } catch (SQLException e) {
            throw new SQLException("cannot connect to " + settings.name() + " (" + settings.address() + "): "
                    + e.getMessage().replace(settings.password().isEmpty() ? "\u0000" : settings.password(), "******"),
                    e.getSQLState(), e.getErrorCode());
        }
        connection.setAutoCommit(true);
        try {
            return new MySqlServer(settings, connection, flavor(settings, connection));
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * The flavor from {@code SELECT VERSION()}, asked once per server and version: the greeting every
     * connection receives names the version already (MariaDB may prefix it with 5.5.5-), so a server
     * that greets as before is the same server, and each further session saves a round trip.
     */
    private static ServerFlavor flavor(MySqlSettings settings, Connection connection) throws SQLException {
        String key = settings.url() + " " + connection.getMetaData().getDatabaseProductVersion();
        ServerFlavor known = FLAVORS.get(key);
        if (known != null) {
            return known;
        }
        ServerFlavor flavor = ServerFlavor.of(text(connection, "SELECT VERSION()"));
        if (FLAVORS.size() < 1_000) {
            FLAVORS.put(key, flavor);
        }
        return flavor;
    }

    MySqlSettings settings() {
        return settings;
    }

    ServerFlavor flavor() {
        return flavor;
    }

    String name() {
        return settings.name();
    }

    /** Empty when the server is not a replica (no replication configured). */
    Optional<ReplicaStatus> replicaStatus() throws SQLException {
        Map<String, String> row;
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW REPLICA STATUS")) {
            if (!rs.next()) {
                return Optional.empty();
            }
            row = row(rs);
        }
        return Optional.of(ReplicaStatus.of(row, flavor.mariaDb() ? text(connection, flavor.executedGtidsSql()) : null));
    }

    /** What this replica has heard from its source so far ({@code status} read just before). */
    SourceContact sourceContact(ReplicaStatus status) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(flavor.heartbeatSql())) {
            double period = 0;
            long received = 0;
            if (rs.next()) {
                period = rs.getDouble(1);
                received = rs.getLong(2);
            }
            return SourceContact.of(status, Duration.ofMillis(Math.round(period * 1000)), received);
        }
    }

    SourcePosition sourcePosition() throws SQLException {
        return readOnlyAndPosition(false).position();
    }

    /**
     * The server's own word on its read-only switches and where its binlog ends, in two round trips
     * (the binlog status, then one SELECT of the switches and the GTIDs written) instead of three:
     * inside the write window every round trip is time the application cannot write.
     */
    ReadOnlyAndPosition readOnlyAndPosition() throws SQLException {
        return readOnlyAndPosition(true);
    }

    private ReadOnlyAndPosition readOnlyAndPosition(boolean switches) throws SQLException {
        String file = "";
        long position = 0;
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(flavor.binaryLogStatusSql())) {
            if (rs.next()) {
                file = rs.getString("File");
                position = rs.getLong("Position");
            }
        }
        boolean superFlag = flavor.hasSuperReadOnly();
        String select = "SELECT " + flavor.writtenGtidsVariable() + (!switches ? ""
                : superFlag ? ", @@GLOBAL.read_only, @@GLOBAL.super_read_only" : ", @@GLOBAL.read_only");
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(select)) {
            rs.next();
            SourcePosition written = new SourcePosition(file, position, ReplicaStatus.normalizeGtids(
                    rs.getString(1) == null ? "" : rs.getString(1)));
            ReadOnlyState state = switches
                    ? new ReadOnlyState(rs.getInt(2) == 1, superFlag, superFlag && rs.getInt(3) == 1) : null;
            return new ReadOnlyAndPosition(state, written);
        }
    }

    /** Read together by {@link #readOnlyAndPosition()}. */
    record ReadOnlyAndPosition(ReadOnlyState readOnly, SourcePosition position) {
    }

    /** True when this server has executed every GTID in {@code gtids}. */
    boolean executedAll(String gtids) throws SQLException {
        if (gtids == null || gtids.isBlank()) {
            return true;
        }
        if (flavor.mariaDb()) {
            return GtidPositions.covers(text(connection, "SELECT @@GLOBAL.gtid_current_pos"), gtids);
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT GTID_SUBSET(?, @@GLOBAL.gtid_executed)")) {
            statement.setString(1, gtids);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }

    /** Waits up to {@code timeout} for this replica to execute {@code gtids}; true when it did. */
    boolean waitForGtids(String gtids, Duration timeout) throws SQLException {
        if (executedAll(gtids)) {
            return true;
        }
        try (PreparedStatement statement = connection.prepareStatement(flavor.waitForGtidsSql())) {
            statement.setString(1, gtids);
            statement.setDouble(2, Math.max(0.001, timeout.toMillis() / 1000.0));
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 0 && !rs.wasNull();
            }
        }
    }

    /** Waits up to {@code timeout} for this replica to execute {@code position}: its GTIDs, else its binlog offset. */
    boolean waitForExecuted(SourcePosition position, Duration timeout) throws SQLException {
        networkTimeout(timeout);
        try {
            return position.hasGtids() ? waitForGtids(position.gtids(), timeout)
                    : waitForPosition(position.file(), position.position(), timeout);
        } catch (SQLException e) {
            throw silent(e, timeout);
        } finally {
            if (!connection.isClosed()) {
                networkTimeout(Duration.ZERO);
            }
        }
    }

    /** Waits up to {@code timeout} for this replica to execute up to a source binlog position. */
    boolean waitForPosition(String file, long position, Duration timeout) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(flavor.waitForPositionSql())) {
            statement.setString(1, file);
            statement.setLong(2, position);
            statement.setDouble(3, Math.max(0.001, timeout.toMillis() / 1000.0));
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                long waited = rs.getLong(1);
                return !rs.wasNull() && waited >= 0;
            }
        }
    }

    /** The server's own word on its read-only switches, in one round trip. */
    ReadOnlyState readOnlyState() throws SQLException {
        boolean superFlag = flavor.hasSuperReadOnly();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(superFlag
                ? "SELECT @@GLOBAL.read_only, @@GLOBAL.super_read_only" : "SELECT @@GLOBAL.read_only")) {
            rs.next();
            return new ReadOnlyState(rs.getInt(1) == 1, superFlag, superFlag && rs.getInt(2) == 1);
        }
    }

    /**
     * Closes the current binary log and opens the next: every connected replica receives the rotation
     * at once, without a transaction (not written to the binlog itself, no GTID), so a replica's
     * contact with this source can be seen in milliseconds instead of at the next heartbeat.
     * Needs RELOAD (BINLOG_ADMIN on MySQL 8).
     */
    void rotateBinaryLog() throws SQLException {
        execute("FLUSH BINARY LOGS");
    }

    /**
     * Read-only on: new writes of non-admin accounts fail at once with error 1290 and the COMMIT of a
     * transaction already open fails too. On MySQL 8 super_read_only also stops admin accounts.
     */
    void setReadOnly(boolean on) throws SQLException {
        if (on) {
            execute(flavor.hasSuperReadOnly() ? "SET GLOBAL super_read_only = ON" : "SET GLOBAL read_only = ON");
        } else {
            if (flavor.hasSuperReadOnly()) {
                execute("SET GLOBAL super_read_only = OFF");
            }
            execute("SET GLOBAL read_only = OFF");
        }
    }

    /** The open sessions of the given accounts (user names, any host), other than this one. */
    List<Session> sessionsOf(List<String> users) throws SQLException {
        List<Session> sessions = new ArrayList<>();
        if (users.isEmpty()) {
            return sessions;
        }
        String marks = String.join(",", users.stream().map(user -> "?").toList());
        try (PreparedStatement statement = connection.prepareStatement("SELECT ID, USER, HOST, COMMAND, TIME FROM "
                + "information_schema.PROCESSLIST WHERE USER IN (" + marks + ") AND ID <> CONNECTION_ID()")) {
            for (int i = 0; i < users.size(); i++) {
                statement.setString(i + 1, users.get(i));
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    sessions.add(new Session(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
                }
            }
        }
        return sessions;
    }

    /** Ends the sessions (KILL CONNECTION): an open transaction of theirs rolls back, it cannot commit later. */
    List<Session> endSessionsOf(List<String> users) throws SQLException {
        List<Session> ended = new ArrayList<>();
        for (Session session : sessionsOf(users)) {
            try {
                execute("KILL CONNECTION " + session.id());
                ended.add(session);
            } catch (SQLException e) {
                if (e.getErrorCode() != 1094) { // 1094: unknown thread id — it ended by itself meanwhile
                    throw e;
                }
            }
        }
        return ended;
    }

    void stopReplica() throws SQLException {
        execute("STOP REPLICA");
    }

    void startReplica() throws SQLException {
        execute("START REPLICA");
    }

    /** Forgets the replication configuration entirely: this server replicates from nobody. */
    void resetReplicaAll() throws SQLException {
        execute("RESET REPLICA ALL");
    }

    /**
     * Makes this server a replica of {@code source} and starts replicating. With GTIDs it continues
     * from what it has executed (MariaDB: gtid_slave_pos set to its current position, so a former
     * primary resumes after its own last transaction; MySQL: auto-position); without, from
     * {@code startAt}, the source's binlog position taken while it was still read-only.
     */
    void replicateFrom(MySqlSettings source, SourcePosition startAt) throws SQLException {
        configureReplicationFrom(source, startAt);
        startReplica();
    }

    /**
     * {@link #replicateFrom} without the start: the replication is configured and waits for START
     * REPLICA. With GTIDs nothing in it depends on where the source's binlog ends, so a promotion sets
     * it up before its write window closes and only starts it inside.
     */
    void configureReplicationFrom(MySqlSettings source, SourcePosition startAt) throws SQLException {
        String user = source.requireReplicationUser();
        String password = source.replicationPassword().orElse("");
        boolean gtid = startAt.hasGtids();
        StringBuilder sql = new StringBuilder();
        if (flavor.mariaDb()) {
            if (gtid) {
                execute("SET GLOBAL gtid_slave_pos = @@GLOBAL.gtid_current_pos");
            }
            sql.append("CHANGE MASTER TO MASTER_HOST=").append(quote(source.replicationHost()))
                    .append(", MASTER_PORT=").append(source.replicationPort())
                    .append(", MASTER_USER=").append(quote(user))
                    .append(", MASTER_PASSWORD=").append(quote(password))
                    .append(", MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1");
            sql.append(gtid ? ", MASTER_USE_GTID=slave_pos"
                    : ", MASTER_LOG_FILE=" + quote(startAt.file()) + ", MASTER_LOG_POS=" + startAt.position());
        } else {
            sql.append("CHANGE REPLICATION SOURCE TO SOURCE_HOST=").append(quote(source.replicationHost()))
                    .append(", SOURCE_PORT=").append(source.replicationPort())
                    .append(", SOURCE_USER=").append(quote(user))
                    .append(", SOURCE_PASSWORD=").append(quote(password))
                    .append(", SOURCE_CONNECT_RETRY=1, SOURCE_HEARTBEAT_PERIOD=1, GET_SOURCE_PUBLIC_KEY=1");
            sql.append(gtid ? ", SOURCE_AUTO_POSITION=1"
                    : ", SOURCE_AUTO_POSITION=0, SOURCE_LOG_FILE=" + quote(startAt.file()) + ", SOURCE_LOG_POS="
                    + startAt.position());
        }
        execute(sql.toString());
    }

    long serverId() throws SQLException {
        return Long.parseLong(text(connection, "SELECT @@GLOBAL.server_id"));
    }

    Connection jdbc() {
        return connection;
    }

    void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw silent(e, Duration.ZERO);
        }
    }

    /** Hands the session on to the next step on this server ({@link IdleSessions}), or closes it. */
    @Override
    public void close() {
        IdleSessions.SHARED.give(settings, connection);
    }

    /** An open session of an account, from the process list. */
    record Session(long id, String user, String host, String command, long seconds) {
    }

    private static String text(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            String value = rs.getString(1);
            return value == null ? "" : value;
        }
    }

    private static Map<String, String> row(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            row.put(meta.getColumnLabel(i), rs.getString(i));
        }
        return row;
    }

    private static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
