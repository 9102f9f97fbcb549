package dev.cutover.database.mysql;

import dev.cutover.database.mysql.TableChecksums.Method;
import dev.cutover.database.mysql.TableChecksums.TableChecksum;
import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/**
 * {@code mysql-verify}: after the freeze, compares every table of the listed databases between
 * source and target — row counts and checksums — and fails listing each table that differs, is
 * missing, or exists only on the target.
 */
@Component
class MySqlVerifyStepType implements StepType {

    /** Changes nothing outside: after its instance died it may simply run again from the start. */
    @Override
    public boolean resumable() {
        return true;
    }

    @Override
    public String name() {
        return "mysql-verify";
    }

    @Override
    public String description() {
        return "Compares row counts and checksums of every table, source vs target, after the freeze; fails listing "
                + "each table that differs";
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(
                StepParameter.required("source", Kind.CONNECTION, "the server the data came from"),
                StepParameter.required("target", Kind.CONNECTION, "the server the data must equal"),
                StepParameter.required("databases", Kind.LIST, "the databases (schemas) whose tables are compared"),
                StepParameter.optional("tables", Kind.LIST, "only these tables, as database.table (default: all)"),
                StepParameter.oneOf("method", false, "row-hash (default; MD5 of each row folded with BIT_XOR, like "
                        + "pt-table-checksum) or checksum-table (same server version only)", "row-hash", "checksum-table"));
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        StepArguments args = context.arguments();
        List<String> databases = args.list("databases");
        List<String> only = args.list("tables");
        Method method = "checksum-table".equals(args.string("method").orElse("row-hash")) ? Method.CHECKSUM_TABLE
                : Method.ROW_HASH;
        String sourceName = args.requiredString("source");
        String targetName = args.requiredString("target");
        try (MySqlServer source = MySqlServer.connect(context.connection(sourceName));
             MySqlServer target = MySqlServer.connect(context.connection(targetName))) {
            SortedSet<String> sourceTables = TableChecksums.tables(source, databases);
            SortedSet<String> targetTables = TableChecksums.tables(target, databases);
            SortedSet<String> all = new TreeSet<>(sourceTables);
            all.addAll(targetTables);
            if (!only.isEmpty()) {
                all.retainAll(only);
            }
            List<Map<String, Object>> tables = new ArrayList<>();
            List<String> mismatches = new ArrayList<>();
            long rows = 0;
            int done = 0;
            for (String table : all) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("table", table);
                if (!targetTables.contains(table)) {
                    row.put("problem", "missing on " + targetName);
                } else if (!sourceTables.contains(table)) {
                    row.put("problem", "only on " + targetName);
                } else {
                    TableChecksum expected = TableChecksums.of(source, table, method);
                    TableChecksum actual = TableChecksums.of(target, table, method);
                    rows += expected.rows();
                    row.put("sourceRows", expected.rows());
                    row.put("targetRows", actual.rows());
                    row.put("sourceChecksum", expected.checksum());
                    row.put("targetChecksum", actual.checksum());
                    if (expected.rows() != actual.rows()) {
                        row.put("problem", "row counts differ: " + expected.rows() + " vs " + actual.rows());
                    } else if (!expected.checksum().equals(actual.checksum())) {
                        row.put("problem", "same row count, different contents (checksum)");
                    }
                }
                if (row.containsKey("problem")) {
                    mismatches.add(table + ": " + row.get("problem"));
                }
                tables.add(row);
                done++;
                context.progress("compared " + table, Map.of("tablesDone", done, "tablesTotal", all.size(),
                        "mismatches", mismatches.size()));
            }
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("method", method == Method.CHECKSUM_TABLE ? "checksum-table" : "row-hash");
            evidence.put("databases", databases);
            evidence.put("tablesCompared", all.size());
            evidence.put("rowsCompared", rows);
            evidence.put("mismatches", mismatches);
            evidence.put("tables", tables);
            if (all.isEmpty()) {
                throw new StepFailedException("no tables found in " + databases + " on " + sourceName + " or " + targetName
                        + ": check the database names", evidence);
            }
            if (!mismatches.isEmpty()) {
                throw new StepFailedException(mismatches.size() + " of " + all.size() + " tables differ between "
                        + sourceName + " and " + targetName + "; first: " + mismatches.get(0), evidence);
            }
            return StepOutcome.succeeded(all.size() + " tables (" + rows + " rows) identical on " + sourceName + " and "
                    + targetName, evidence);
        }
    }
}
