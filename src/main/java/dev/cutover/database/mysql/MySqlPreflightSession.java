package dev.cutover.database.mysql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A short read-only session for preflight checks: connect and socket timeouts set from the
 * check's timeout, so a server that accepts and never answers frees the thread too.
 */
final class MySqlPreflightSession implements AutoCloseable {

    /** MySQL and MariaDB: "Access denied; you need (at least one of) the X privilege(s)". */
    static final int SPECIFIC_ACCESS_DENIED = 1227;

    private final Connection connection;
    private final ServerFlavor flavor;

    private MySqlPreflightSession(Connection connection, ServerFlavor flavor) {
        this.connection = connection;
        this.flavor = flavor;
    }

    static MySqlPreflightSession open(String url, String user, String password, Duration timeout) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password == null ? "" : password);
        // A second beyond the check's timeout: the preflight's own deadline decides (and says "no
        // answer within"), then the driver frees the abandoned thread.
        long millis = timeout.plusSeconds(1).toMillis();
        properties.setProperty("connectTimeout", String.valueOf(millis));
        properties.setProperty("socketTimeout", String.valueOf(millis));
        Connection connection = DriverManager.getConnection(url, properties);
        try {
            return new MySqlPreflightSession(connection, ServerFlavor.of(text(connection, "SELECT VERSION()")));
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    ServerFlavor flavor() {
        return flavor;
    }

    String text(String sql) throws SQLException {
        return text(connection, sql);
    }

    /** The rows of a query, column label to text. */
    List<Map<String, String>> rows(String sql) throws SQLException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    List<String> firstColumn(String sql) throws SQLException {
        return rows(sql).stream().map(row -> row.values().iterator().next()).toList();
    }

    private static String text(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
