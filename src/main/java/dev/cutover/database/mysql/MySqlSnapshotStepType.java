package dev.cutover.database.mysql;

import dev.cutover.database.SnapshotDestination;
import dev.cutover.step.Snapshot;
import dev.cutover.step.Snapshot.RestoreCheck;
import dev.cutover.step.StepArgumentProblem;
import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepType;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStores;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code mysql-snapshot}: the fallback snapshot taken after the freeze — a consistent logical dump of
 * the listed databases by the server's own tool ({@link DumpTool}), streamed into an object store
 * under {@code <prefix><cutoverId>/<source>/<stepId>-<time>.sql} (plain SQL, not compressed: the
 * tool's own output, restorable with the {@code mysql}/{@code mariadb} client), its size, CRC32C
 * and source position recorded. With {@code verify} (on by default in rehearsals) it proves the
 * snapshot restores ({@link MySqlRestoreCheck}). Nothing to roll back: a snapshot is never deleted.
 *
 * <pre>
 * - id: snapshot-orders
 *   type: mysql-snapshot
 *   with:
 *     source: orders-source
 *     databases: [orders]
 *     store: fallback-store         # an s3, gcs or filesystem connection
 *     bucket: acme-cutover-snapshots
 *     prefix: snapshots/            # default
 *     verify: true                  # default: true in rehearsals, false otherwise
 *     restoreOn: orders-scratch     # default: the source itself (scratch databases, dropped after)
 *     restoreUnlogged: false        # true: sql_log_bin=0 for the check, so replicas never see it
 * </pre>
 */
@Component
class MySqlSnapshotStepType implements StepType {

    private static final double MIB = 1024.0 * 1024.0;

    private final ObjectStores stores;

    MySqlSnapshotStepType(ObjectStores stores) {
        this.stores = stores;
    }

    @Override
    public String name() {
        return "mysql-snapshot";
    }

    @Override
    public String description() {
        return "Takes a consistent dump of the listed databases with the server's own dump tool, streams it into an "
                + "object store with its size, CRC32C and position recorded, and (in rehearsals by default) proves it "
                + "restores";
    }

    @Override
    public List<StepParameter> parameters() {
        List<StepParameter> parameters = new ArrayList<>(List.of(
                StepParameter.required("source", Kind.CONNECTION, "the mysql connection to snapshot (after the freeze)"),
                StepParameter.required("databases", Kind.LIST, "the databases (schemas) to dump")));
        parameters.addAll(SnapshotDestination.parameters());
        parameters.addAll(List.of(
                StepParameter.optional("verify", Kind.BOOLEAN, "restore the snapshot into scratch databases and compare "
                        + "every table's row hash with the source (default: true in rehearsals, false otherwise)"),
                StepParameter.optional("restoreOn", Kind.CONNECTION, "the mysql connection to restore on for the check "
                        + "(default: the source; scratch databases cutover_restore_<id>_<db>, dropped after)"),
                StepParameter.optional("restoreUnlogged", Kind.BOOLEAN, "keep the restore check out of the binlog "
                        + "(sql_log_bin=0; needs SUPER or BINLOG ADMIN) so replicas do not replay it (default false)")));
        return parameters;
    }

    @Override
    public List<StepArgumentProblem> validate(StepArguments with, Duration stepTimeout) {
        List<StepArgumentProblem> problems = new ArrayList<>();
        SnapshotDestination.validate(with, problems);
        with.list("databases").stream().filter(db -> db.isBlank() || db.contains("`") || db.contains("/"))
                .forEach(db -> problems.add(StepArgumentProblem.at("databases", "'" + db + "' is not a database name")));
        return problems;
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        StepArguments args = context.arguments();
        String sourceName = args.requiredString("source");
        SnapshotDestination destination = SnapshotDestination.of(context, stores);
        String storeName = destination.storeName();
        String bucket = destination.bucket();
        List<String> databases = args.list("databases");
        boolean verify = destination.verify();
        String restoreOn = args.string("restoreOn").orElse(sourceName);
        boolean unlogged = args.bool("restoreUnlogged").orElse(false);
        Instant started = Instant.now();
        String key = destination.name(context, sourceName, started) + ".sql";
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("kind", "mysql");
        evidence.put("source", sourceName);
        evidence.put("databases", databases);
        try (MySqlServer source = MySqlServer.connect(context.connection(sourceName));
             ObjectStore store = destination.open(stores)) {
            DumpTool tool = DumpTool.of(source.flavor());
            evidence.put("tool", tool.dumpName() + " (" + source.flavor().name() + ")");
            evidence.put("location", store.describe() + key);
            context.progress("dumping " + databases + " of " + sourceName + " with " + tool.dumpName() + " into "
                    + store.describe() + key, Map.of());
            MySqlDump.Taken taken;
            try {
                taken = MySqlDump.take(source.settings(), tool, databases, store, key, context::stopRequested);
            } catch (java.io.IOException e) {
                throw new StepFailedException(context.redact(e.getMessage()), evidence);
            }
            Instant dumped = Instant.now();
            context.waited("dump (" + tool.dumpName() + " process, streamed to the store)", Duration.between(started, dumped));
            double seconds = Math.max(0.001, Duration.between(started, dumped).toMillis() / 1000.0);
            evidence.put("store", storeName);
            evidence.put("bucket", bucket);
            evidence.put("key", key);
            evidence.put("format", "plain SQL from " + tool.dumpName() + " --single-transaction (not compressed)");
            evidence.put("size", taken.object().size());
            evidence.put("crc32c", taken.object().crc32c());
            evidence.put("position", taken.position());
            evidence.put("dumpSeconds", seconds);
            evidence.put("mibPerSecond", Math.round(taken.object().size() / MIB / seconds * 10) / 10.0);
            Snapshot snapshot = new Snapshot("mysql", sourceName, storeName, bucket, key, taken.object().size(),
                    taken.object().crc32c(), taken.position(), started, dumped, RestoreCheck.NOT_RUN,
                    verify ? "" : "restore check not asked for (verify: false"
                            + (context.rehearsal() ? ")" : "; it runs by default only in rehearsals)"));
            if (!verify) {
                evidence.put("restoreCheck", "not run");
                context.recordSnapshot(snapshot);
                return StepOutcome.succeeded(summary(taken, key), evidence);
            }
            context.progress("restoring " + key + " on " + restoreOn + " to check it", Map.of());
            Instant restoreStarted = Instant.now();
            MySqlRestoreCheck.Result check;
            try (MySqlServer target = restoreOn.equals(sourceName) ? MySqlServer.connect(context.connection(sourceName))
                    : MySqlServer.connect(context.connection(restoreOn))) {
                check = MySqlRestoreCheck.run(source, target, DumpTool.of(target.flavor()), databases, store, key,
                        taken.object().crc32c(), unlogged);
            }
            context.waited("restore check (restore into scratch databases, row hashes of every table)",
                    Duration.between(restoreStarted, Instant.now()));
            Map<String, Object> restore = new LinkedHashMap<>();
            restore.put("passed", check.passed());
            restore.put("on", restoreOn);
            restore.put("seconds", Duration.between(restoreStarted, Instant.now()).toMillis() / 1000.0);
            restore.put("tables", check.tables());
            restore.put("rows", check.rows());
            restore.put("detail", context.redact(check.detail()));
            restore.put("perTable", check.perTable());
            evidence.put("restoreCheck", restore);
            context.recordSnapshot(snapshot.withRestoreCheck(check.passed() ? RestoreCheck.PASSED : RestoreCheck.FAILED,
                    context.redact(check.detail())));
            if (!check.passed()) {
                throw new StepFailedException("snapshot " + key + " was stored but does not restore: "
                        + context.redact(check.detail()), evidence);
            }
            return StepOutcome.succeeded(summary(taken, key) + "; restore check passed: " + check.detail(), evidence);
        }
    }

    private static String summary(MySqlDump.Taken taken, String key) {
        return String.format(java.util.Locale.ROOT, "snapshot %s: %.1f MiB, CRC32C %s, at %s", key,
                taken.object().size() / MIB, taken.object().crc32c(),
                taken.position().isEmpty() ? "an unknown position" : taken.position());
    }
}
