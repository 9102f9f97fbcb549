package dev.cutover.database;

import dev.cutover.step.ResolvedConnection;
import dev.cutover.step.StepArgumentProblem;
import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStores;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Where a fallback snapshot ({@code mysql-snapshot}, {@code mongo-snapshot}) is written: the object
 * store, bucket and prefix both step types take, and the name under it that holds the cutover id, the
 * source, the step and the time, so two snapshots never share a name.
 */
public record SnapshotDestination(String storeName, ResolvedConnection store, String bucket, String prefix, boolean verify) {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /** The store, bucket and prefix parameters, as both snapshot step types describe them. */
    public static List<StepParameter> parameters() {
        return List.of(
                StepParameter.required("store", Kind.CONNECTION, "the object store (s3, gcs or filesystem) to write to"),
                StepParameter.required("bucket", Kind.STRING, "the bucket (or directory under a filesystem root)"),
                StepParameter.optional("prefix", Kind.STRING, "key prefix before <cutoverId>/ (default snapshots/)"));
    }

    /** What both refuse before the night: no database to snapshot, an empty bucket. */
    public static void validate(StepArguments with, List<StepArgumentProblem> problems) {
        if (with.list("databases").isEmpty()) {
            problems.add(StepArgumentProblem.at("databases", "list at least one database to snapshot"));
        }
        if (with.string("bucket").map(String::isBlank).orElse(false)) {
            problems.add(StepArgumentProblem.at("bucket", "bucket must not be empty"));
        }
    }

    /** The step's destination; fails the step when {@code store} names a connection that is not an object store. */
    public static SnapshotDestination of(StepContext context, ObjectStores stores) throws StepFailedException {
        StepArguments args = context.arguments();
        String storeName = args.requiredString("store");
        ResolvedConnection store = context.connection(storeName);
        if (!stores.serves(store.type())) {
            throw new StepFailedException("store: connection '" + storeName + "' has type " + store.type()
                    + ", not an object store (s3, gcs or filesystem)");
        }
        return new SnapshotDestination(storeName, store, args.requiredString("bucket"),
                args.string("prefix").orElse("snapshots/"), args.bool("verify").orElse(context.rehearsal()));
    }

    /** {@code <prefix>/<cutoverId>/<source>/<stepId>-<UTC time>}, to which the step adds its suffix. */
    public String name(StepContext context, String source, Instant started) {
        return prefix + (prefix.isEmpty() || prefix.endsWith("/") ? "" : "/") + context.cutoverId() + "/" + source + "/"
                + context.stepId() + "-" + STAMP.format(started);
    }

    public ObjectStore open(ObjectStores stores) {
        return stores.open(store, bucket, "");
    }
}
