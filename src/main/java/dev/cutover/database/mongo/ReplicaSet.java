package dev.cutover.database.mongo;

import com.mongodb.MongoException;
import com.mongodb.ReadPreference;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.cutover.step.ResolvedConnection;
import dev.cutover.step.StepFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;

/**
 * A replica set reached through one direct connection per member, opened on first use and closed
 * together. Direct connections rather than one replica-set client: every command here is meant
 * for one particular member (the primary, the promotion target, the member to unlock), and a
 * replica-set client would route by its own, possibly older, view of who is primary.
 */
final class ReplicaSet implements AutoCloseable {

    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final MongoSettings settings;
    private final Duration readTimeout;
    private final Map<String, MongoClient> clients = new LinkedHashMap<>();

    private ReplicaSet(String name, MongoSettings settings, Duration readTimeout) {
        this.name = name;
        this.settings = settings;
        this.readTimeout = readTimeout;
    }

    static ReplicaSet open(ResolvedConnection connection) throws StepFailedException {
        return open(connection, DEFAULT_READ_TIMEOUT);
    }

    /** @param readTimeout how long one command may take (dbHash of a large database needs more) */
    static ReplicaSet open(ResolvedConnection connection, Duration readTimeout) throws StepFailedException {
        return new ReplicaSet(connection.name(), MongoSettings.of(connection), readTimeout);
    }

    /** The connection's name, for messages. */
    String name() {
        return name;
    }

    List<String> seeds() {
        return settings.seeds();
    }

    synchronized MongoClient client(String host) {
        return clients.computeIfAbsent(host, h -> MongoClients.create(settings.direct(h, readTimeout)));
    }

    /** Runs an admin command on one member; a member that is not primary may answer too. */
    Document admin(String host, Document command) {
        return client(host).getDatabase("admin").runCommand(command, ReadPreference.primaryPreferred());
    }

    Document hello(String host) {
        return admin(host, new Document("hello", 1));
    }

    /**
     * The member that calls itself primary, asked of every seed and of the hosts they name; empty
     * while an election runs or when no member is reachable.
     */
    Optional<String> primary() {
        Set<String> asked = new LinkedHashSet<>();
        List<String> toAsk = new ArrayList<>(seeds());
        while (!toAsk.isEmpty()) {
            String host = toAsk.remove(0);
            if (!asked.add(host)) {
                continue;
            }
            try {
                Document hello = hello(host);
                if (hello.getBoolean("isWritablePrimary", false)) {
                    return Optional.of(host);
                }
                String named = hello.getString("primary");
                if (named != null) {
                    toAsk.add(0, named); // confirm with the named primary itself: its view may be newer
                }
                toAsk.addAll(hello.getList("hosts", String.class, List.of()));
            } catch (MongoException e) {
                // An unreachable seed is normal during a cutover: ask the next one.
            }
        }
        return Optional.empty();
    }

    String requirePrimary() throws StepFailedException {
        return primary().orElseThrow(() -> new StepFailedException("replica set '" + name
                + "' has no primary now (an election may be running, or no member is reachable from here)",
                Map.of("connection", name, "seeds", seeds())));
    }

    @Override
    public synchronized void close() {
        clients.values().forEach(MongoClient::close);
        clients.clear();
    }
}
