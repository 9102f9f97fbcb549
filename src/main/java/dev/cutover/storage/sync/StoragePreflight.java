package dev.cutover.storage.sync;

import com.sun.net.httpserver.HttpServer;
import dev.cutover.storage.BucketRegion;
import dev.cutover.storage.ByteRange;
import dev.cutover.storage.LifecycleRules;
import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.ObjectStores;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.StoredObject;
import dev.cutover.step.PreflightCheck;
import dev.cutover.step.PreflightFinding;
import dev.cutover.step.PreflightPlan;
import dev.cutover.step.PreflightProbe;
import dev.cutover.step.ResolvedConnection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * Preflight of the object stores the storage steps use: a source bucket is listable and its first
 * object readable (and its lifecycle rules readable, to spot expiring logs); a target bucket
 * exists and takes a put, head and delete of a small probe under {@value #PROBE_PREFIX} (the probe
 * is gone afterwards); an S3 bucket is in the configured region.
 */
@Component
class StoragePreflight implements PreflightCheck {

    static final String PROBE_PREFIX = ".cutover-preflight/";
    private static final Set<String> STEP_TYPES = Set.of("storage-sync", "storage-verify");

    private final ObjectStores stores;

    StoragePreflight(ObjectStores stores) {
        this.stores = stores;
    }

    /** One bucket (and prefix) of one connection, read from or written to. */
    private record Use(String connection, String bucket, String prefix, boolean target) {
    }

    /**
     * Asks a GCS and an S3 store for an object's metadata from a stub on a loopback port that
     * answers 404 to everything: loads each client and its whole request path (signing, HTTP,
     * error parsing), which building a client alone does not, and no peer is touched. Each client
     * stays in the shared pool, idle, for the life of the service.
     */
    @Override
    public void warmUp() {
        HttpServer stub;
        try {
            stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stub.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        stub.start();
        try {
            String endpoint = "http://127.0.0.1:" + stub.getAddress().getPort();
            Map<String, Map<String, String>> kinds = Map.of(
                    "gcs", Map.of("project", "warm-up", "endpoint", endpoint),
                    "s3", Map.of("region", "us-east-1", "endpoint", endpoint, "pathStyle", "true",
                            "accessKeyId", "warm-up", "secretAccessKey", "warm-up"));
            kinds.forEach((type, settings) -> {
                if (stores.serves(type)) {
                    try (ObjectStore store = stores.open(new WarmUpConnection(type, settings), "warm-up", "")) {
                        store.stat("warm-up");
                    } catch (RuntimeException expected) {
                        // the stub's 404 may read as an error to a client; its path is loaded all the same
                    }
                }
            });
        } finally {
            stub.stop(0);
        }
    }

    /** A connection made up for {@link #warmUp}: never used for a request. */
    private record WarmUpConnection(String type, Map<String, String> settings) implements ResolvedConnection {

        @Override
        public String name() {
            return "preflight-warm-up";
        }

        @Override
        public Set<String> settingNames() {
            return settings.keySet();
        }

        @Override
        public Optional<String> setting(String name) {
            return Optional.ofNullable(settings.get(name));
        }
    }

    @Override
    public List<PreflightProbe> probes(PreflightPlan plan) {
        Map<Use, Set<String>> uses = new LinkedHashMap<>();
        for (PreflightPlan.PlannedStep step : plan.stepsOfType(STEP_TYPES)) {
            uses.computeIfAbsent(new Use(step.with().requiredString("source"), step.with().requiredString("sourceBucket"),
                    step.with().string("sourcePrefix").orElse(""), false), u -> new LinkedHashSet<>()).add(step.id());
            uses.computeIfAbsent(new Use(step.with().requiredString("target"), step.with().requiredString("targetBucket"),
                    step.with().string("targetPrefix").orElse(""), "storage-sync".equals(step.type())),
                    u -> new LinkedHashSet<>()).add(step.id());
        }
        List<PreflightProbe> probes = new ArrayList<>();
        uses.forEach((use, steps) -> plan.connection(use.connection()).filter(c -> stores.serves(c.type()))
                .ifPresent(connection -> probes.add(new PreflightProbe(use.target() ? "target bucket" : "source bucket",
                        use.connection(), List.copyOf(steps), () -> check(connection, use)))));
        return probes;
    }

    private List<PreflightFinding> check(ResolvedConnection connection, Use use) {
        String endpoint = connection.setting("endpoint").orElse(null);
        List<PreflightFinding> findings = new ArrayList<>();
        try (ObjectStore store = stores.open(connection, use.bucket(), use.prefix())) {
            Optional<StoredObject> first;
            try (Stream<StoredObject> listing = store.list("", null)) {
                first = listing.filter(object -> !object.key().startsWith(PROBE_PREFIX)).findFirst();
            } catch (RuntimeException failure) {
                return List.of(problem(connection, store, endpoint, failure, "bucket listable"));
            }
            // An empty source is allowed, but more often a wrong bucket or prefix than a real empty one.
            findings.add((first.isEmpty() && !use.target()
                    ? PreflightFinding.warning(store.describe() + " exists and is listable, but empty", "check the "
                    + "bucket and prefix of the steps: a sync from an empty source copies nothing")
                    : PreflightFinding.ok(store.describe() + " exists and is listable with these credentials"
                    + (first.isEmpty() ? " (it is empty)" : ""))).named("bucket listable"));
            if (!use.target()) {
                first.ifPresent(object -> findings.add(readable(connection, store, endpoint, object)));
                if (store instanceof LifecycleRules rules) {
                    findings.add(lifecycle(connection, store, endpoint, rules));
                }
            } else {
                findings.add(probeWrite(connection, store, endpoint));
            }
            if (store instanceof BucketRegion region) {
                findings.add(region(connection, store, endpoint, region));
            }
        }
        return findings;
    }

    private static PreflightFinding readable(ResolvedConnection connection, ObjectStore store, String endpoint,
                                             StoredObject object) {
        if (object.size() == 0) {
            return PreflightFinding.ok(object.key() + " is listed (empty, nothing to read)").named("object readable");
        }
        try (InputStream in = store.open(object.key(), new ByteRange(0, 0), null)) {
            in.read();
            return PreflightFinding.ok("read the first byte of " + object.key()).named("object readable");
        } catch (Exception failure) {
            return problem(connection, store, endpoint, failure, "object readable");
        }
    }

    private static PreflightFinding lifecycle(ResolvedConnection connection, ObjectStore store, String endpoint,
                                              LifecycleRules rules) {
        try {
            return rules.deleteAfterDays()
                    .map(days -> PreflightFinding.warning("objects of " + store.describe() + " expire after " + days
                            + " days", "auto-expiring objects (logs?) cost egress to copy and vanish anyway: exclude "
                            + "them in the step's exclude: if they need not move"))
                    .orElseGet(() -> PreflightFinding.ok("no expiring lifecycle rule")).named("lifecycle rules readable");
        } catch (RuntimeException failure) {
            return problem(connection, store, endpoint, failure, "lifecycle rules readable");
        }
    }

    /** Put, head and delete of a tiny object under the reserved prefix; whatever happens, the probe is deleted. */
    private static PreflightFinding probeWrite(ResolvedConnection connection, ObjectStore store, String endpoint) {
        String key = PROBE_PREFIX + UUID.randomUUID();
        byte[] bytes = "cutover preflight probe; safe to delete".getBytes(StandardCharsets.UTF_8);
        boolean put = false;
        try {
            store.put(key, new ByteArrayInputStream(bytes), bytes.length, new PutOptions(null, Map.of(), "text/plain"));
            put = true;
            if (store.stat(key).isEmpty()) {
                return PreflightFinding.failed("the probe " + key + " was put but head does not find it", "check the "
                        + "store's consistency and that nothing deletes new objects under " + PROBE_PREFIX)
                        .named("put/head/delete probe");
            }
            store.delete(key);
            put = false;
            if (store.stat(key).isPresent()) {
                return PreflightFinding.failed("the probe " + key + " is still there after delete", "allow "
                        + "DeleteObject to the credentials of '" + connection.name() + "'").named("put/head/delete probe");
            }
            return PreflightFinding.ok("put, head and delete of " + key + " in " + store.describe() + " work; the probe is gone")
                    .named("put/head/delete probe");
        } catch (RuntimeException failure) {
            return problem(connection, store, endpoint, failure, "put/head/delete probe");
        } finally {
            if (put) {
                deleteQuietly(store, key);
            }
        }
    }

    private static PreflightFinding region(ResolvedConnection connection, ObjectStore store, String endpoint,
                                           BucketRegion region) {
        try {
            Optional<String> actual = region.bucketRegion();
            if (actual.isEmpty()) {
                return PreflightFinding.warning("the server does not say the region of " + store.describe()
                        + " (configured " + region.configuredRegion() + ")", "").named("region matches");
            }
            if (!actual.get().equals(region.configuredRegion())) {
                return PreflightFinding.failed(store.describe() + " is in " + actual.get() + ", but '" + connection.name()
                        + "' says region " + region.configuredRegion(), "set region: " + actual.get() + " on '"
                        + connection.name() + "'").named("region matches");
            }
            return PreflightFinding.ok(store.describe() + " is in " + actual.get()).named("region matches");
        } catch (RuntimeException failure) {
            return problem(connection, store, endpoint, failure, "region matches");
        }
    }

    private static PreflightFinding problem(ResolvedConnection connection, ObjectStore store, String endpoint,
                                            Throwable failure, String check) {
        StoreProblem problem = StoreProblem.of(connection.name(), store.describe(), endpoint, failure);
        return PreflightFinding.failed(problem.detail(), problem.check()).named(check);
    }

    private static void deleteQuietly(ObjectStore store, String key) {
        try {
            store.delete(key);
        } catch (RuntimeException ignored) {
            // The probe is tiny and under the reserved prefix; the row already says what failed.
        }
    }
}
