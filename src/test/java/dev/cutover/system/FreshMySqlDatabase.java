package dev.cutover.system;

import dev.cutover.testpeers.TestPeers;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A new, empty database on the source of the test peers' MySQL-compatible pair (MariaDB from
 * {@code scripts/test-stack.sh}, or MySQL in Docker), so every run starts clean even against a
 * long-lived stack. Created with the server's defaults, as an operator would create it.
 */
record FreshMySqlDatabase(String name, String url, String user, String password) {

    static FreshMySqlDatabase create(String prefix) {
        TestPeers.MySqlPair peers = TestPeers.mariaDb();
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
                .toLowerCase(Locale.ROOT);
        try (Connection connection = peers.openSource(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        catch (SQLException ex) {
            throw new IllegalStateException("cannot create database " + name + " on " + peers.sourceUrl(), ex);
        }
        return new FreshMySqlDatabase(name, withDatabase(peers.sourceUrl(), name), peers.user(), peers.password());
    }

    /** The same server (and URL parameters) as {@code jdbcUrl}, another database. */
    static String withDatabase(String jdbcUrl, String database) {
        if (!jdbcUrl.startsWith("jdbc:mysql://")) {
            throw new IllegalArgumentException("not a jdbc:mysql:// URL: " + jdbcUrl);
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        return "jdbc:mysql://" + uri.getRawAuthority() + "/" + database
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** A plain connection to this database: no time-zone settings of the service's pool. */
    Connection open() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** How many tables the database holds now. */
    int tableCount() {
        try (Connection connection = open(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '" + name + "'")) {
            rows.next();
            return rows.getInt(1);
        }
        catch (SQLException ex) {
            throw new IllegalStateException("cannot count tables of " + name, ex);
        }
    }

    /** Drops the database; for tests whose application context is already closed. */
    void drop() {
        try (Connection connection = open(); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name);
        }
        catch (SQLException ex) {
            throw new IllegalStateException("cannot drop database " + name, ex);
        }
    }
}
