package dev.cutover.sandbox;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.cutover.database.mongo.StubReplicaSet;
import dev.cutover.database.mysql.ApplicationWriter;
import dev.cutover.database.mysql.ReplicationPair;
import dev.cutover.dns.BindTestZone;
import dev.cutover.dns.RecordKey;
import dev.cutover.dns.RecordSet;
import dev.cutover.dns.RoutedRecordSet;
import dev.cutover.dns.route53.Route53ApiStub;
import dev.cutover.storage.gcs.FakeGcsServer;
import dev.cutover.testpeers.TestPeers;
import dev.cutover.validation.LocalPrometheus;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The local stack that {@code runbooks/rehearsal.yaml} names, on its fixed loopback ports: the
 * test stack's MariaDB pair (13306/13307), S3Mock (19090) and BIND (15353), plus two peers run in
 * this JVM — the GCS JSON API fake (14443), the MongoDB stub replica set (27117-27119), a single-member
 * stub set {@code scratch} (27120) for the catalog snapshot's restore check, and the Route 53 API stub
 * (19053) with the {@code www} record the progressive shift moves — and the traffic the last phase validates: the shop application's metrics ({@link ShopApplication}, 18080)
 * scraped every second by Debian's Prometheus (19091, stopped by {@link #close}). Seeds
 * them as a rehearsal expects (a bucket of objects with logs to leave behind, an orders table,
 * a catalog collection, the {@code shop} record in BIND, the {@code www} record in Route 53), and gives the load a rehearsal runs under: an
 * application writing orders and objects landing in the source bucket.
 */
public final class RehearsalStack implements AutoCloseable {

    public static final int GCS_PORT = 14443;
    public static final int MONGO_FIRST_PORT = 27117;
    /** The single-member set {@code scratch} that the catalog snapshot's restore check writes to (not frozen). */
    public static final int MONGO_SCRATCH_PORT = 27120;
    public static final int PROMETHEUS_PORT = 19091;
    /** The Route 53 API stub serving the zone of {@link #WWW}, for the progressive shift. */
    public static final int ROUTE53_PORT = 19053;
    public static final String ROUTE53_ZONE_ID = "Z0CUTOVERTEST0000001";
    /** The stub's fake access key, as {@code rehearsal.yaml} gives it (the stub checks only that it is this one). */
    public static final String ROUTE53_ACCESS_KEY = "rehearsal";
    public static final String ZONE = "cutover.test.";
    public static final String ASSETS = "acme-assets";
    public static final String ASSETS_AWS = "acme-assets-aws";
    public static final String ORDERS = ReplicationPair.DATABASE + ".orders";
    public static final String SHOP = "shop.cutover.test.";
    public static final RecordSet SHOP_ORIGINAL = new RecordSet(SHOP, "A", 3600, List.of("192.0.2.30"));
    public static final String WWW = "www.cutover.test.";
    /** The record the shift moves: one plain record set on the GCP target, as before any rehearsal. */
    public static final RecordSet WWW_ORIGINAL = new RecordSet(WWW, "CNAME", 60, List.of("shop-lb.gcp.example."));

    private final ReplicationPair pair = new ReplicationPair();
    private final BindTestZone zone = new BindTestZone();
    private final FakeGcsServer gcs;
    private final StubReplicaSet mongo;
    private final StubReplicaSet scratch;
    private final Route53ApiStub route53;
    private final ShopApplication shop;
    private final LocalPrometheus prometheus;

    private RehearsalStack(FakeGcsServer gcs, StubReplicaSet mongo, StubReplicaSet scratch, Route53ApiStub route53,
                           ShopApplication shop, LocalPrometheus prometheus) {
        this.gcs = gcs;
        this.mongo = mongo;
        this.scratch = scratch;
        this.route53 = route53;
        this.shop = shop;
        this.prometheus = prometheus;
    }

    /** Starts (or finds) the peers; fails with what to do when a port the runbook names is not theirs. */
    public static RehearsalStack start(Path dataDir) throws Exception {
        requirePort("MariaDB source", TestPeers.mariaDb().sourceUrl(), ":13306/");
        requirePort("MariaDB replica", TestPeers.mariaDb().replicaUrl(), ":13307/");
        requirePort("S3Mock", TestPeers.s3Endpoint().toString(), ":19090");
        requirePort("BIND", ":" + TestPeers.dnsServer().port(), ":15353");
        List<AutoCloseable> started = new ArrayList<>();
        try {
            FakeGcsServer gcs = started(started,
                    new FakeGcsServer(java.nio.file.Files.createDirectories(dataDir.resolve("gcs"))).start(GCS_PORT));
            StubReplicaSet mongo = started(started, StubReplicaSet.startOnPorts("rs0", MONGO_FIRST_PORT,
                    Map.of("cloud", "gcp"), Map.of("cloud", "gcp"), Map.of("cloud", "aws")));
            StubReplicaSet scratch = started(started, StubReplicaSet.startOnPorts("scratch", MONGO_SCRATCH_PORT, Map.of()));
            Route53ApiStub route53 = started(started,
                    new Route53ApiStub(ROUTE53_ZONE_ID, ZONE, ROUTE53_ACCESS_KEY, ROUTE53_PORT));
            // What Route 53 creates with every hosted zone (preflight reads the SOA to prove the zone is there).
            route53.seed(new RecordSet(ZONE, "SOA", 900,
                    List.of("ns-1.awsdns.example. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400")));
            route53.seed(new RecordSet(ZONE, "NS", 172800, List.of("ns-1.awsdns.example.")));
            ShopApplication shop = started(started, ShopApplication.start());
            LocalPrometheus prometheus = started(started,
                    LocalPrometheus.scraping(PROMETHEUS_PORT, "127.0.0.1:" + ShopApplication.PORT));
            RehearsalStack stack = new RehearsalStack(gcs, mongo, scratch, route53, shop, prometheus);
            stack.pair.restoreOriginalTopology();
            return stack;
        } catch (Exception | Error e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static <T extends AutoCloseable> T started(List<AutoCloseable> started, T peer) {
        started.add(peer);
        return peer;
    }

    /**
     * Objects (plus logs that the runbook leaves behind) in the source bucket and an empty target
     * bucket, 500 orders, 200 catalog documents, the shop record.
     */
    public RehearsalStack seed(int objects) throws Exception {
        gcs.createBucket(ASSETS);
        Random random = new Random(42);
        for (int i = 0; i < objects; i++) {
            byte[] data = new byte[8 * 1024 + random.nextInt(56 * 1024)];
            random.nextBytes(data);
            gcs.put(ASSETS, String.format("img/%05d.jpg", i), data, Map.of());
        }
        for (int i = 0; i < 5; i++) {
            gcs.put(ASSETS, "logs/2026-11-0" + (i + 1) + ".log", ("log line " + i).getBytes(StandardCharsets.UTF_8), Map.of());
        }
        try (S3Client s3 = s3()) {
            if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(ASSETS_AWS))) {
                s3.createBucket(b -> b.bucket(ASSETS_AWS));
            } else { // a fresh rehearsal: nothing on the target from an earlier one
                s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(ASSETS_AWS).build()).contents()
                        .forEach(o -> s3.deleteObject(d -> d.bucket(ASSETS_AWS).key(o.key())));
            }
        }
        pair.createAppUser();
        pair.execute("source", "CREATE TABLE IF NOT EXISTS " + ORDERS
                + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(100), amount DECIMAL(10,2) NULL)");
        try (Connection source = pair.admin("source");
             PreparedStatement insert = source.prepareStatement("INSERT INTO " + ORDERS + " (note, amount) VALUES (?, ?)")) {
            for (int i = 0; i < 500; i++) {
                insert.setString(1, "seed order " + i);
                insert.setBigDecimal(2, java.math.BigDecimal.valueOf(i, 2));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        pair.awaitReplicaCaughtUp();
        try (MongoClient client = MongoClients.create(mongo.uri())) {
            MongoCollection<Document> catalog = client.getDatabase("shop").getCollection("catalog");
            List<Document> documents = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                documents.add(new Document("_id", "sku-" + i).append("name", "product " + i).append("price", i * 1.5));
            }
            catalog.insertMany(documents);
        }
        resetShopRecord();
        resetWwwRecord();
        return this;
    }

    /** The shop record as the stack made it: A 192.0.2.30 with TTL 3600, no CNAME. */
    public void resetShopRecord() {
        zone.remove(new RecordKey(SHOP, "CNAME"));
        zone.seed(SHOP_ORIGINAL);
    }

    /** The www record in the Route 53 stub as the stack made it: one plain CNAME to the GCP target. */
    public void resetWwwRecord() {
        route53.remove(WWW_ORIGINAL.key());
        route53.seed(WWW_ORIGINAL);
    }

    /** Every record set of the www record in the Route 53 stub, plain or weighted, by set identifier. */
    public List<RoutedRecordSet> www() {
        return route53.recordSets(WWW_ORIGINAL.key());
    }

    public Optional<RecordSet> shop(String type) {
        return zone.lookUp(new RecordKey(SHOP, type));
    }

    public ReplicationPair mysql() {
        return pair;
    }

    public StubReplicaSet mongo() {
        return mongo;
    }

    /**
     * An application writing orders at {@code perSecond}, failing over when its server turns
     * read-only; the shop's metrics count its orders and refusals.
     */
    public ApplicationWriter startOrdersWriter(int perSecond) {
        return shop.attach(new ApplicationWriter(pair, ORDERS, perSecond)).start();
    }

    /** The shop application whose metrics the traffic gate reads, with its error-rate control. */
    public ShopApplication shopApplication() {
        return shop;
    }

    /**
     * The shipped runbooks as the service must read them here: where they name the local stack's
     * state directory ({@code .test-stack/}, relative to the repository) and the stack runs elsewhere
     * ({@code CUTOVER_TEST_STACK_DIR}, a git worktree sharing one stack), a copy under {@code work}
     * names that directory instead; otherwise {@code runbooks/} itself.
     */
    public static java.nio.file.Path runbooks(java.nio.file.Path work) throws java.io.IOException {
        String stackDir = System.getenv("CUTOVER_TEST_STACK_DIR");
        java.nio.file.Path shipped = java.nio.file.Path.of("runbooks");
        if (stackDir == null || stackDir.isBlank()
                || java.nio.file.Path.of(stackDir).toAbsolutePath().normalize().equals(java.nio.file.Path.of(".test-stack")
                .toAbsolutePath().normalize())) {
            return shipped;
        }
        java.nio.file.Path copy = java.nio.file.Files.createDirectories(work.resolve("runbooks"));
        try (var files = java.nio.file.Files.list(shipped)) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                java.nio.file.Files.writeString(copy.resolve(file.getFileName()), java.nio.file.Files.readString(file)
                        .replace(".test-stack/", java.nio.file.Path.of(stackDir).toAbsolutePath() + "/"));
            }
        }
        return copy;
    }

    /** The sandbox's Prometheus, scraping the shop every second. */
    public String prometheusUrl() {
        return prometheus.url();
    }

    /** New objects landing in the source bucket under {@code prefix} every {@code everyMillis} until closed. */
    public ObjectLander startObjectLander(String prefix, long everyMillis) {
        return new ObjectLander(gcs, ASSETS, prefix, everyMillis).start();
    }

    /** Keys of the target bucket under {@code prefix} (S3Mock, listed page by page). */
    public List<String> targetKeys(String prefix) {
        try (S3Client s3 = s3()) {
            return s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(ASSETS_AWS).prefix(prefix).build())
                    .contents().stream().map(S3Object::key).toList();
        }
    }

    /**
     * Puts the MySQL pair, the MongoDB replica set, the shop record and the shop's error rate back
     * as they were before a rehearsal.
     */
    public void restore() throws Exception {
        shop.errorRate(0);
        pair.restoreOriginalTopology();
        mongo.restoreInitialTopology();
        resetShopRecord();
        resetWwwRecord();
    }

    @Override
    public void close() {
        prometheus.close();
        shop.close();
        route53.close();
        scratch.close();
        mongo.close();
        gcs.close();
    }

    private static S3Client s3() {
        return S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:19090")).forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("rehearsal", "rehearsal")))
                .build();
    }

    private static void requirePort(String peer, String address, String expected) {
        if (!address.contains(expected)) {
            throw new IllegalStateException(peer + " is at " + address + ", but runbooks/rehearsal.yaml expects port "
                    + expected.replaceAll("[:/]", "") + ": something else holds that port. Free it, then run "
                    + "scripts/test-stack.sh down && scripts/test-stack.sh up");
        }
    }

    /** Lands one new object per tick in a bucket of the GCS fake, as the application would upload them. */
    public static final class ObjectLander implements Runnable, AutoCloseable {

        private final FakeGcsServer gcs;
        private final String bucket;
        private final String prefix;
        private final long everyMillis;
        private final AtomicInteger landed = new AtomicInteger();
        private final Thread thread = new Thread(this, "object-lander");
        private volatile boolean stop;

        ObjectLander(FakeGcsServer gcs, String bucket, String prefix, long everyMillis) {
            this.gcs = gcs;
            this.bucket = bucket;
            this.prefix = prefix;
            this.everyMillis = everyMillis;
            thread.setDaemon(true);
        }

        ObjectLander start() {
            thread.start();
            return this;
        }

        @Override
        public void run() {
            while (!stop) {
                int n = landed.get();
                gcs.put(bucket, prefix + String.format("%06d.json", n),
                        ("{\"upload\":" + n + "}").getBytes(StandardCharsets.UTF_8), Map.of());
                landed.incrementAndGet();
                try {
                    Thread.sleep(everyMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        public int landed() {
            return landed.get();
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(5_000);
        }
    }

    /** For the writer's ids: true when the SQL works on the source (used to prove it is writable again). */
    public boolean sourceTakesApplicationWrites() {
        try (Connection app = pair.app("source"); Statement statement = app.createStatement()) {
            statement.execute("INSERT INTO " + ORDERS + " (note) VALUES ('after rollback')");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
