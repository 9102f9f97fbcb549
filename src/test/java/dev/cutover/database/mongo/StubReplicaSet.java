package dev.cutover.database.mongo;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.exception.MongoServerError;
import io.netty.channel.Channel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A <b>stub</b> of a MongoDB replica set, not MongoDB: one {@code mongo-java-server} in-memory
 * server per member on a loopback port, each answering the replica-set commands the mongo steps
 * use, driven only through the real driver. Enough to run the steps where no {@code mongod} can be
 * installed; the same tests run against a real replica set where Docker exists.
 * <ul>
 * <li>Replication: a write on the primary is re-run, in order, on every other member's backend; a
 * paused (or unhealthy) member queues the writes and keeps its old optime until resumed: that is
 * how tests induce lag. Re-running is exact for the inserts, updates and deletes tests make
 * (upserts that generate an {@code _id} would differ per member).</li>
 * <li>Optimes are {@code Timestamp(wall seconds, increment)} with the election term, as in MongoDB,
 * so lag has one-second resolution. Unlike a real set, every member sees the others' optimes
 * instantly (no heartbeat staleness) and there are no periodic no-op writes.</li>
 * <li>Writes on a member that is not primary fail with NotWritablePrimary (10107). While
 * fsync-locked, a real mongod makes writes <i>wait</i>; the stub <i>refuses</i> them (LockBusy,
 * 46) instead, because waiting would block a network thread shared with other clients. Like a real
 * locked mongod, it cannot store a new config or step down (LockTimeout, 24).</li>
 * <li>Elections happen only on {@code replSetStepDown}: the caught-up, healthy, electable
 * secondary with the highest priority wins (no priority takeover, no election timeout).</li>
 * <li>{@code dbHash} digests are MD5s over each collection's stored documents.</li>
 * </ul>
 */
public final class StubReplicaSet implements AutoCloseable {

    private static final int WIRE_VERSION = ServerVersion.MONGO_5_0.getWireVersion();
    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findandmodify", "create", "drop",
            "createindexes", "dropindexes", "dropdatabase");

    /** One replicated write: where it ran, the command as the client sent it, and its optime. */
    private record Op(String database, String command, Document query, Channel channel, StubOpTime optime) {
    }

    private record StubOpTime(BsonTimestamp ts, long term) {

        Document document() {
            return new Document("ts", ts).append("t", term);
        }

        Instant date() {
            return Instant.ofEpochSecond(ts.getTime());
        }

        boolean atLeast(StubOpTime other) {
            return term > other.term || term == other.term && ts.compareTo(other.ts) >= 0;
        }
    }

    private final String setName;
    private final List<Member> members = new ArrayList<>();
    private Document config;
    private Document initialConfig;
    private long term = 1;
    private Member primary;
    private long lastSecond;
    private int increment;
    /** What {@code connectionStatus} says the logged-in user may do on the cluster (the stub checks no auth). */
    private List<String> clusterActions = List.of("replSetGetStatus", "replSetGetConfig", "replSetConfigure",
            "replSetStateChange", "fsync", "unlock", "inprog", "serverStatus", "dbHash");

    private StubReplicaSet(String setName) {
        this.setName = setName;
    }

    /** Starts one member per tag map, the first one primary, all priority 1. */
    @SafeVarargs
    static StubReplicaSet start(String setName, Map<String, String>... tagsPerMember) {
        return startOnPorts(setName, 0, tagsPerMember);
    }

    /** As {@link #start}, member i listening on {@code firstPort + i} (any free ports when 0), e.g. ports a runbook names. */
    @SafeVarargs
    public static StubReplicaSet startOnPorts(String setName, int firstPort, Map<String, String>... tagsPerMember) {
        StubReplicaSet set = new StubReplicaSet(setName);
        List<Document> configMembers = new ArrayList<>();
        for (int i = 0; i < tagsPerMember.length; i++) {
            Member member = set.new Member();
            member.server.bind("127.0.0.1", firstPort == 0 ? 0 : firstPort + i);
            member.host = "127.0.0.1:" + member.server.getLocalAddress().getPort();
            set.members.add(member);
            configMembers.add(new Document("_id", i).append("host", member.host).append("arbiterOnly", false)
                    .append("buildIndexes", true).append("hidden", false).append("priority", 1.0)
                    .append("tags", new Document(tagsPerMember[i])).append("secondaryDelaySecs", 0L).append("votes", 1));
        }
        synchronized (set) {
            set.config = new Document("_id", setName).append("version", 1).append("term", set.term)
                    .append("protocolVersion", 1L).append("members", configMembers).append("settings", new Document());
            set.initialConfig = set.config;
            set.primary = set.members.get(0);
            set.primary.state = "PRIMARY";
            set.replicate(set.primary, new Op("admin", "n", new Document("msg", "initiating set"), null, set.nextOpTime()));
        }
        return set;
    }

    // ---- what tests control -------------------------------------------------------------------

    /**
     * Back to the set as started — the first member primary, the first config (under a new
     * version), no fsync lock, every member healthy and replicating — keeping the data, as a
     * reset between two rehearsals on the same stub.
     */
    public synchronized void restoreInitialTopology() {
        for (Member member : members) {
            member.fsyncLocks = 0;
            member.health = 1;
            member.electableAfterMillis = 0;
            member.state = "SECONDARY";
            resume(member.host);
        }
        term++;
        config = new Document(initialConfig).append("version", ((Number) config.get("version")).intValue() + 1).append("term", term);
        primary = members.get(0);
        primary.state = "PRIMARY";
    }

    /**
     * What {@code connectionStatus} with {@code showPrivileges} answers from now on: user
     * {@code cutover@admin} holding exactly these actions on the cluster resource. The stub
     * enforces none of them; it only lets preflight checks read what a user may do.
     */
    public synchronized void grantClusterActions(List<String> actions) {
        clusterActions = List.copyOf(actions);
    }

    public List<String> hosts() {
        return members.stream().map(member -> member.host).toList();
    }

    public String uri() {
        return "mongodb://" + String.join(",", hosts()) + "/?replicaSet=" + setName;
    }

    public synchronized String primary() {
        return primary == null ? null : primary.host;
    }

    /** Stops applying writes on a member: its optime stays where it is until {@link #resume}. */
    synchronized void pause(String host) {
        member(host).paused = true;
    }

    /** Applies every queued write on the member, catching it up. */
    synchronized void resume(String host) {
        Member member = member(host);
        member.paused = false;
        member.catchUp();
    }

    /** Reports the member with health 0, as the primary does when heartbeats stop coming back. */
    synchronized void markUnhealthy(String host) {
        member(host).health = 0;
    }

    synchronized void markHealthy(String host) {
        Member member = member(host);
        member.health = 1;
        member.catchUp();
    }

    /** Puts a secondary into another state, e.g. RECOVERING. */
    synchronized void state(String host, String state) {
        member(host).state = state;
    }

    @Override
    public void close() {
        members.forEach(member -> member.server.shutdownNow());
    }

    // ---- replication --------------------------------------------------------------------------

    private Member member(String host) {
        return members.stream().filter(member -> member.host.equals(host)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no member " + host));
    }

    private StubOpTime nextOpTime() {
        long second = Instant.now().getEpochSecond();
        increment = second == lastSecond ? increment + 1 : 1;
        lastSecond = second;
        return new StubOpTime(new BsonTimestamp(Instant.ofEpochSecond(second), increment), term);
    }

    /** The primary has applied {@code op}: record it and hand it to the other members. */
    private void replicate(Member origin, Op op) {
        origin.record(op);
        for (Member member : members) {
            if (member != origin && inConfig(member)) {
                member.pending.add(op);
                member.catchUp();
            }
        }
    }

    private boolean inConfig(Member member) {
        return configMember(member) != null;
    }

    private Document configMember(Member member) {
        return configMembers(config).stream().filter(m -> m.get("host").equals(member.host)).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static List<Document> configMembers(Document config) {
        return (List<Document>) config.get("members");
    }

    private static double number(Object value, double fallback) {
        return value instanceof Number number ? number.doubleValue() : fallback;
    }

    private static MongoServerError error(int code, String codeName, String message) {
        return new MongoServerError(code, codeName, message);
    }

    /** One member: its own in-memory backend and server, plus what the replica set knows of it. */
    private final class Member extends MemoryBackend {

        final MongoServer server = new MongoServer(this);
        final Queue<Op> pending = new ArrayDeque<>();
        String host;
        volatile String state = "SECONDARY";
        double health = 1;
        boolean paused;
        int fsyncLocks;
        long electableAfterMillis;
        StubOpTime lastApplied;

        Member() {
            version(ServerVersion.MONGO_5_0);
        }

        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            synchronized (StubReplicaSet.this) {
                String name = command.toLowerCase();
                return switch (name) {
                    case "hello", "ismaster" -> hello();
                    case "replsetgetstatus" -> status();
                    case "replsetgetconfig" -> ok(new Document("config", config.cloneDeeply()));
                    case "replsetreconfig" -> reconfig((Document) query.get(command));
                    case "replsetstepdown" -> stepDown(number(query.get(command), 60));
                    case "replsetfreeze" -> freeze(number(query.get(command), 0));
                    case "fsync" -> fsync(Boolean.TRUE.equals(query.get("lock")));
                    case "fsyncunlock" -> fsyncUnlock();
                    case "currentop" -> currentOp();
                    case "connectionstatus" -> connectionStatus();
                    case "dbhash" -> dbHash(channel, database);
                    default -> WRITES.contains(name) && !"local".equals(database)
                            ? write(channel, database, command, query)
                            : super.handleCommand(channel, database, command, query);
                };
            }
        }

        private Document write(Channel channel, String database, String command, Document query) {
            if (this != primary) {
                throw error(10107, "NotWritablePrimary", "not primary");
            }
            if (fsyncLocks > 0) {
                throw error(46, "LockBusy", "stub: writes are refused while fsync-locked (a real mongod makes them wait "
                        + "until fsyncUnlock)");
            }
            Document pristine = query.cloneDeeply();
            Document result = super.handleCommand(channel, database, command, query);
            replicate(this, new Op(database, command, pristine, channel, nextOpTime()));
            return result;
        }

        /** Applies queued writes unless paused or cut off. */
        void catchUp() {
            while (!paused && health == 1 && !pending.isEmpty()) {
                Op op = pending.remove();
                if (!"n".equals(op.command())) {
                    super.handleCommand(op.channel(), op.database(), op.command(), op.query().cloneDeeply());
                }
                record(op);
            }
        }

        /** Moves the optime and appends the oplog entry, as applying an oplog entry does. */
        void record(Op op) {
            lastApplied = op.optime();
            String code = switch (op.command().toLowerCase()) {
                case "insert" -> "i";
                case "update", "findandmodify" -> "u";
                case "delete" -> "d";
                case "n" -> "n";
                default -> "c";
            };
            String collection = op.query().get(op.command()) instanceof String name ? name : "$cmd";
            oplog().addDocument(new Document("ts", op.optime().ts())
                    .append("t", op.optime().term()).append("op", code).append("ns", op.database() + "." + collection)
                    .append("wall", Instant.ofEpochSecond(op.optime().ts().getTime())).append("o", new Document()));
        }

        private MongoCollection<?> oplog() {
            MongoDatabase local = resolveDatabase("local");
            MongoCollection<?> oplog = local.resolveCollection("oplog.rs", false);
            return oplog != null ? oplog : local.createCollectionOrThrowIfExists("oplog.rs");
        }

        private Document hello() {
            Document hello = new Document();
            Document me = configMember(this);
            boolean isPrimary = this == primary;
            hello.append("isWritablePrimary", isPrimary).append("ismaster", isPrimary).append("helloOk", true);
            if (me == null) {
                hello.append("secondary", false).append("isreplicaset", true).append("info", "Does not have a valid replica set config");
            } else {
                hello.append("secondary", "SECONDARY".equals(state)).append("setName", setName).append("setVersion", config.get("version"));
                hello.append("hosts", configMembers(config).stream().filter(m -> !Boolean.TRUE.equals(m.get("hidden"))
                        && number(m.get("priority"), 1) > 0).map(m -> m.get("host")).toList());
                if (Boolean.TRUE.equals(me.get("hidden"))) {
                    hello.append("hidden", true);
                }
                if (primary != null) {
                    hello.append("primary", primary.host);
                }
                hello.append("me", host);
                if (isPrimary) {
                    hello.append("electionId", new ObjectId(ByteBuffer.allocate(12).putInt(0x7fffffff).putLong(term).array()));
                }
                hello.append("lastWrite", new Document("opTime", lastApplied.document()).append("lastWriteDate", lastApplied.date()));
            }
            hello.append("maxBsonObjectSize", 16 * 1024 * 1024).append("maxMessageSizeBytes", 48_000_000)
                    .append("maxWriteBatchSize", 100_000).append("localTime", Instant.now()).append("minWireVersion", 0)
                    .append("maxWireVersion", WIRE_VERSION).append("readOnly", false);
            return ok(hello);
        }

        private Document status() {
            if (!inConfig(this)) {
                throw error(94, "NotYetInitialized", "no replset config has been received");
            }
            List<Document> statuses = new ArrayList<>();
            for (Document configured : configMembers(config)) {
                Member member = member((String) configured.get("host"));
                boolean reachable = member.health == 1;
                StubOpTime optime = reachable ? member.lastApplied : new StubOpTime(new BsonTimestamp(0), -1);
                String stateStr = reachable ? member.state : "(not reachable/healthy)";
                statuses.add(new Document("_id", configured.get("_id")).append("name", member.host)
                        .append("health", member.health).append("state", stateCode(stateStr)).append("stateStr", stateStr)
                        .append("optime", optime.document()).append("optimeDurable", optime.document())
                        .append("optimeDate", optime.date()).append("optimeDurableDate", optime.date())
                        .append("syncSourceHost", member == primary || primary == null ? "" : primary.host)
                        .append("self", member == this));
            }
            return ok(new Document("set", setName).append("date", Instant.now()).append("myState", stateCode(state))
                    .append("term", term).append("members", statuses)
                    .append("optimes", new Document("appliedOpTime", lastApplied.document()).append("durableOpTime", lastApplied.document())));
        }

        private Document reconfig(Document next) {
            if (this != primary) {
                throw error(10107, "NotWritablePrimary", "replSetReconfig should only be run on a writable PRIMARY");
            }
            if (fsyncLocks > 0) {
                throw error(24, "LockTimeout", "stub: a fsync-locked mongod cannot store a new config");
            }
            if (number(next.get("version"), 0) <= number(config.get("version"), 0)) {
                throw error(103, "NewReplicaSetConfigurationIncompatible", "version must be greater than " + config.get("version"));
            }
            Set<Object> votersBefore = voters(config);
            Set<Object> votersAfter = voters(next);
            long changed = votersBefore.stream().filter(v -> !votersAfter.contains(v)).count()
                    + votersAfter.stream().filter(v -> !votersBefore.contains(v)).count();
            if (changed > 1) {
                throw error(103, "NewReplicaSetConfigurationIncompatible",
                        "Non force replica set reconfig can only add or remove at most 1 voting member.");
            }
            Document mine = configMembers(next).stream().filter(m -> host.equals(m.get("host"))).findFirst().orElse(null);
            if (mine == null || number(mine.get("priority"), 1) <= 0 || Boolean.TRUE.equals(mine.get("hidden"))) {
                throw error(103, "NewReplicaSetConfigurationIncompatible", host + " is not electable under the new configuration");
            }
            config = next.cloneDeeply();
            config.put("term", term);
            members.stream().filter(member -> !inConfig(member)).forEach(member -> member.state = "REMOVED");
            return ok(new Document());
        }

        private Set<Object> voters(Document configuration) {
            return configMembers(configuration).stream().filter(m -> number(m.get("votes"), 1) > 0)
                    .map(m -> m.get("host")).collect(Collectors.toSet());
        }

        private Document stepDown(double seconds) {
            if (this != primary) {
                throw error(10107, "NotWritablePrimary", "not primary so can't step down");
            }
            if (fsyncLocks > 0) {
                throw error(24, "LockTimeout", "stub: a fsync-locked mongod cannot acquire the lock to step down");
            }
            long now = System.currentTimeMillis();
            Member winner = null;
            double best = -1;
            for (Document configured : configMembers(config)) {
                Member candidate = member((String) configured.get("host"));
                double priority = number(configured.get("priority"), 1);
                boolean electable = candidate != this && candidate.health == 1 && "SECONDARY".equals(candidate.state)
                        && priority > 0 && !Boolean.TRUE.equals(configured.get("hidden"))
                        && candidate.electableAfterMillis <= now && candidate.lastApplied.atLeast(lastApplied);
                if (electable && priority > best) {
                    winner = candidate;
                    best = priority;
                }
            }
            if (winner == null) {
                throw error(262, "ExceededTimeLimit", "No electable secondaries caught up as of " + Instant.now());
            }
            state = "SECONDARY";
            electableAfterMillis = now + (long) (seconds * 1000);
            term++;
            primary = winner;
            winner.state = "PRIMARY";
            replicate(winner, new Op("admin", "n", new Document("msg", "new primary"), null, nextOpTime()));
            return ok(new Document());
        }

        private Document freeze(double seconds) {
            if (this == primary) {
                throw error(95, "NotSecondary", "cannot freeze node when primary or running for election. state: Primary");
            }
            electableAfterMillis = System.currentTimeMillis() + (long) (seconds * 1000);
            return ok(new Document());
        }

        private Document fsync(boolean lock) {
            if (lock) {
                fsyncLocks++;
                return ok(new Document("info", "now locked against writes, use db.fsyncUnlock() to unlock")
                        .append("lockCount", (long) fsyncLocks));
            }
            return ok(new Document("numFiles", 1));
        }

        private Document fsyncUnlock() {
            if (fsyncLocks == 0) {
                throw error(20, "IllegalOperation", "fsyncUnlock called when not locked");
            }
            fsyncLocks--;
            return ok(new Document("info", "fsyncUnlock completed").append("lockCount", (long) fsyncLocks));
        }

        private Document connectionStatus() {
            Document privileges = new Document("resource", new Document("cluster", true))
                    .append("actions", new ArrayList<>(clusterActions));
            return ok(new Document("authInfo", new Document("authenticatedUsers",
                    List.of(new Document("user", "cutover").append("db", "admin")))
                    .append("authenticatedUserRoles", List.of(new Document("role", "stubClusterRole").append("db", "admin")))
                    .append("authenticatedUserPrivileges", List.of(privileges))));
        }

        private Document currentOp() {
            Document answer = new Document("inprog", List.of());
            if (fsyncLocks > 0) {
                answer.append("fsyncLock", true).append("info", "use db.fsyncUnlock() to terminate the fsync write/snapshot lock");
            }
            return ok(answer);
        }

        @SuppressWarnings("unchecked")
        private Document dbHash(Channel channel, String database) {
            Document listing = super.handleCommand(channel, database, "listCollections", new Document("listCollections", 1));
            List<Document> collections = (List<Document>) ((Document) listing.get("cursor")).get("firstBatch");
            Document hashes = new Document();
            MessageDigest all = md5();
            for (String name : collections.stream().map(c -> (String) c.get("name")).filter(n -> !n.startsWith("system.")).sorted().toList()) {
                MessageDigest digest = md5();
                resolveDatabase(database).resolveCollection(name, false).queryAllAsStream().map(Document::toString).sorted()
                        .forEach(text -> digest.update(text.getBytes(StandardCharsets.UTF_8)));
                String hex = HexFormat.of().formatHex(digest.digest());
                hashes.append(name, hex);
                all.update(hex.getBytes(StandardCharsets.UTF_8));
            }
            return ok(new Document("host", host).append("collections", hashes).append("capped", List.of())
                    .append("md5", HexFormat.of().formatHex(all.digest())).append("numCollections", hashes.size()));
        }

        private int stateCode(String stateStr) {
            return switch (stateStr) {
                case "PRIMARY" -> 1;
                case "SECONDARY" -> 2;
                case "RECOVERING" -> 3;
                case "STARTUP2" -> 5;
                case "ARBITER" -> 7;
                case "ROLLBACK" -> 9;
                case "REMOVED" -> 10;
                default -> 8;
            };
        }

        private Document ok(Document answer) {
            return answer.append("ok", 1.0);
        }

        private MessageDigest md5() {
            try {
                return MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
