package dev.cutover.database.mysql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.SortedSet;

/**
 * Row counts and checksums of whole tables, comparable between two servers. The default method
 * folds an MD5 of every row (its columns joined, NULLs marked apart from empty strings) with
 * BIT_XOR in two 64-bit halves — pt-table-checksum's row hash — so row order and storage format do
 * not matter, only the values. {@code checksum-table} asks the server's own {@code CHECKSUM TABLE},
 * which is only comparable between servers of the same version and row format.
 */
final class TableChecksums {

    enum Method { ROW_HASH, CHECKSUM_TABLE }

    record TableChecksum(long rows, String checksum) {
    }

    private TableChecksums() {
    }

    static SortedSet<String> tables(MySqlServer server, List<String> databases) throws SQLException {
        SortedSet<String> tables = new TreeSet<>();
        String marks = String.join(",", databases.stream().map(db -> "?").toList());
        try (PreparedStatement statement = server.jdbc().prepareStatement("SELECT TABLE_SCHEMA, TABLE_NAME FROM "
                + "information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA IN (" + marks + ")")) {
            for (int i = 0; i < databases.size(); i++) {
                statement.setString(i + 1, databases.get(i));
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1) + "." + rs.getString(2));
                }
            }
        }
        return tables;
    }

    static TableChecksum of(MySqlServer server, String table, Method method) throws SQLException {
        String[] parts = table.split("\\.", 2);
        String qualified = identifier(parts[0]) + "." + identifier(parts[1]);
        if (method == Method.CHECKSUM_TABLE) {
            long rows = count(server, qualified);
            try (Statement statement = server.jdbc().createStatement();
                 ResultSet rs = statement.executeQuery("CHECKSUM TABLE " + qualified + " EXTENDED")) {
                rs.next();
                return new TableChecksum(rows, rs.getString("Checksum"));
            }
        }
        List<String> columns = columns(server, parts[0], parts[1]);
        String row = "MD5(CONCAT_WS('#', " + String.join(", ", columns) + ", CONCAT("
                + String.join(", ", columns.stream().map(c -> "ISNULL(" + c + ")").toList()) + ")))";
        String sql = "SELECT COUNT(*), "
                + "COALESCE(BIT_XOR(CAST(CONV(SUBSTRING(" + row + ", 1, 16), 16, 10) AS UNSIGNED)), 0), "
                + "COALESCE(BIT_XOR(CAST(CONV(SUBSTRING(" + row + ", 17, 16), 16, 10) AS UNSIGNED)), 0) FROM " + qualified;
        try (Statement statement = server.jdbc().createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return new TableChecksum(rs.getLong(1), String.format("%016x%016x",
                    new java.math.BigInteger(rs.getString(2)).longValue(), new java.math.BigInteger(rs.getString(3)).longValue()));
        }
    }

    private static List<String> columns(MySqlServer server, String database, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement statement = server.jdbc().prepareStatement("SELECT COLUMN_NAME FROM information_schema.COLUMNS "
                + "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            statement.setString(1, database);
            statement.setString(2, table);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    columns.add(identifier(rs.getString(1)));
                }
            }
        }
        return columns;
    }

    private static long count(MySqlServer server, String qualified) throws SQLException {
        try (Statement statement = server.jdbc().createStatement();
             ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + qualified)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String identifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
