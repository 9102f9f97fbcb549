package dev.cutover.database.mysql;

import dev.cutover.database.mysql.TableChecksums.Method;
import dev.cutover.database.mysql.TableChecksums.TableChecksum;
import dev.cutover.storage.Crc32c;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ResumingDownload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.UUID;

/**
 * Proves a snapshot restores: streams the object back out of the store into the server's client,
 * into scratch databases ({@code cutover_restore_<id>_<db>}) on the server the runbook names, then
 * compares every table with the source using {@code mysql-verify}'s row hash, and drops the scratch
 * databases whatever happened. The bytes read back must also have the CRC32C recorded when the
 * snapshot was taken. Compared against the source as it is now: after the write freeze that is the
 * state the snapshot was taken of. Unless asked to keep it out of the binlog, the restore replicates
 * to the server's replicas like any write (and is dropped there too).
 */
final class MySqlRestoreCheck {

    /** The verdict, the one-line detail, and a row per table for the evidence. */
    record Result(boolean passed, String detail, long tables, long rows, List<Map<String, Object>> perTable) {
    }

    private MySqlRestoreCheck() {
    }

    static Result run(MySqlServer source, MySqlServer target, DumpTool tool, List<String> databases, ObjectStore store,
                      String key, String expectedCrc32c, boolean unlogged) throws SQLException, IOException {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        Map<String, String> scratch = new LinkedHashMap<>();
        for (String database : databases) {
            String name = ("cutover_restore_" + id + "_" + database).toLowerCase(Locale.ROOT);
            scratch.put(database, name.length() > 64 ? name.substring(0, 64) : name);
        }
        if (unlogged) {
            target.execute("SET SESSION sql_log_bin = 0");
        }
        try {
            for (String name : scratch.values()) {
                target.execute("CREATE DATABASE " + identifier(name));
            }
            Restored restored = restore(target, tool, store, key, scratch, unlogged);
            if (!restored.crc32c().equals(expectedCrc32c)) {
                return new Result(false, "the object read back has CRC32C " + restored.crc32c() + ", but "
                        + expectedCrc32c + " was recorded when the snapshot was taken: it was changed or corrupted in "
                        + "the store" + (restored.failure() == null ? "" : " (the restore also failed: "
                        + restored.failure() + ")"), 0, 0, List.of());
            }
            if (restored.failure() != null) {
                return new Result(false, "restoring " + key + " into " + scratch.values() + " on " + target.name()
                        + " failed: " + restored.failure(), 0, 0, List.of());
            }
            return compare(source, target, databases, scratch);
        } finally {
            for (String name : scratch.values()) {
                target.execute("DROP DATABASE IF EXISTS " + identifier(name));
            }
        }
    }

    /** The CRC32C of every byte of the object, and why the client failed (null when it did not). */
    private record Restored(String crc32c, String failure) {
    }

    /**
     * Pipes the object into the client. When the client fails, the rest of the object is still read so
     * its CRC32C can tell a corrupted snapshot from a server that refused a good one.
     */
    private static Restored restore(MySqlServer target, DumpTool tool, ObjectStore store, String key,
                                    Map<String, String> scratch, boolean unlogged) throws IOException {
        try (ToolProcess client = ToolProcess.start(tool.clientCommand(target.settings(), unlogged),
                target.settings().password());
             InputStream object = new ResumingDownload(store, key)) {
            Crc32c.Computing read = new Crc32c.Computing(object);
            String failure = null;
            try (OutputStream stdin = client.stdin()) {
                new ScratchDatabases(read, scratch).transferTo(stdin);
            } catch (IOException e) {
                failure = e.getMessage(); // a client that died closes its stdin: its own message says more
            }
            try {
                client.requireSuccess();
            } catch (IOException e) {
                failure = e.getMessage();
            }
            read.transferTo(OutputStream.nullOutputStream());
            return new Restored(read.crc32c(), failure);
        }
    }

    private static Result compare(MySqlServer source, MySqlServer target, List<String> databases,
                                  Map<String, String> scratch) throws SQLException {
        SortedSet<String> sourceTables = TableChecksums.tables(source, databases);
        SortedSet<String> restored = TableChecksums.tables(target, List.copyOf(scratch.values()));
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long rowCount = 0;
        for (String table : sourceTables) {
            String[] parts = table.split("\\.", 2);
            String copy = scratch.get(parts[0]) + "." + parts[1];
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("table", table);
            if (!restored.remove(copy)) {
                row.put("problem", "missing from the restored snapshot");
            } else {
                TableChecksum expected = TableChecksums.of(source, table, Method.ROW_HASH);
                TableChecksum actual = TableChecksums.of(target, copy, Method.ROW_HASH);
                rowCount += actual.rows();
                row.put("sourceRows", expected.rows());
                row.put("restoredRows", actual.rows());
                row.put("hashesEqual", expected.checksum().equals(actual.checksum()));
                if (expected.rows() != actual.rows()) {
                    row.put("problem", "row counts differ: source " + expected.rows() + ", restored " + actual.rows());
                } else if (!expected.checksum().equals(actual.checksum())) {
                    row.put("problem", "same row count, different contents (row hash)");
                }
            }
            row.computeIfPresent("problem", (k, problem) -> {
                problems.add(table + ": " + problem);
                return problem;
            });
            rows.add(row);
        }
        restored.forEach(extra -> problems.add(extra + ": in the snapshot but not on the source"));
        if (sourceTables.isEmpty()) {
            problems.add("no tables in " + databases + " on " + source.name());
        }
        if (!problems.isEmpty()) {
            return new Result(false, problems.size() + " table(s) differ from " + source.name() + " after restoring"
                    + " (was the source written to after the snapshot?); first: " + problems.get(0), sourceTables.size(),
                    rowCount, rows);
        }
        return new Result(true, sourceTables.size() + " tables, " + rowCount + " rows restored on " + target.name()
                + " with row hashes equal to " + source.name(), sourceTables.size(), rowCount, rows);
    }

    private static String identifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
