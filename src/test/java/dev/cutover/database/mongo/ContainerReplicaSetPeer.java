package dev.cutover.database.mongo;

import com.mongodb.MongoClientSettings;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.connection.ClusterConnectionMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.bson.Document;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * A real three-member {@code mongo:7} replica set in Docker. The members must reach each other and
 * be reached by the test under the same names, so they run with host networking (Linux Docker),
 * each mongod on its own free loopback port. The first member starts with priority 2 so that it is
 * the primary the tests expect. Lag is induced for real: {@code fsyncLock} on a secondary stops it
 * applying the oplog; {@code docker pause} makes a member unreachable; maintenance mode makes it
 * RECOVERING. Each change is waited for until the primary reports it (heartbeats take seconds).
 */
final class ContainerReplicaSetPeer implements ReplicaSetPeer {

    private static final DockerImageName IMAGE = DockerImageName.parse("mongo:7");
    private static final Duration HEARTBEAT_DELAY = Duration.ofSeconds(15);

    private final List<GenericContainer<?>> containers = new ArrayList<>();
    private final List<String> hosts = new ArrayList<>();
    private final Map<String, MongoClient> clients = new LinkedHashMap<>();

    ContainerReplicaSetPeer() {
        for (int i = 0; i < 3; i++) {
            int port = freePort();
            hosts.add("127.0.0.1:" + port);
            containers.add(new GenericContainer<>(IMAGE)
                    .withNetworkMode("host")
                    .withCommand("--replSet", "rs0", "--bind_ip", "127.0.0.1", "--port", Integer.toString(port))
                    .waitingFor(Wait.forLogMessage(".*Waiting for connections.*", 1))
                    .withStartupTimeout(Duration.ofMinutes(2)));
        }
        Startables.deepStart(containers).join();
        List<Document> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(new Document("_id", i).append("host", hosts.get(i)).append("priority", i == 0 ? 2 : 1)
                    .append("tags", new Document("cloud", i < 2 ? "gcp" : "aws")));
        }
        admin(hosts.get(0), new Document("replSetInitiate", new Document("_id", "rs0").append("members", members)));
        awaitStatus(status -> stateOf(status, hosts.get(0)).equals("PRIMARY")
                && stateOf(status, hosts.get(1)).equals("SECONDARY") && stateOf(status, hosts.get(2)).equals("SECONDARY"),
                Duration.ofMinutes(2));
    }

    @Override
    public String uri() {
        return "mongodb://" + String.join(",", hosts) + "/?replicaSet=rs0";
    }

    @Override
    public List<String> hosts() {
        return List.copyOf(hosts);
    }

    @Override
    public void pauseReplication(String host) {
        admin(host, new Document("fsync", 1).append("lock", true));
    }

    @Override
    public void resumeReplication(String host) {
        admin(host, new Document("fsyncUnlock", 1));
    }

    @Override
    public void makeUnhealthy(String host) {
        GenericContainer<?> container = containers.get(hosts.indexOf(host));
        DockerClientFactory.instance().client().pauseContainerCmd(container.getContainerId()).exec();
        awaitStatus(status -> memberOf(status, host).get("health", Number.class).intValue() == 0, HEARTBEAT_DELAY.multipliedBy(2));
    }

    @Override
    public void makeRecovering(String host) {
        admin(host, new Document("replSetMaintenance", true));
        awaitStatus(status -> stateOf(status, host).equals("RECOVERING"), HEARTBEAT_DELAY);
    }

    @Override
    public Duration heartbeatDelay() {
        return HEARTBEAT_DELAY;
    }

    @Override
    public void close() {
        clients.values().forEach(MongoClient::close);
        for (GenericContainer<?> container : containers) {
            try {
                DockerClientFactory.instance().client().unpauseContainerCmd(container.getContainerId()).exec();
            } catch (RuntimeException notPaused) {
                // only the member made unhealthy is paused
            }
            container.stop();
        }
    }

    private void awaitStatus(Predicate<Document> condition, Duration within) {
        long until = System.nanoTime() + within.toNanos();
        Document status = null;
        while (System.nanoTime() < until) {
            try {
                status = admin(hosts.get(0), new Document("replSetGetStatus", 1));
                if (condition.test(status)) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not initiated yet, or mid-election
            }
            sleep();
        }
        throw new AssertionError("replica set did not reach the expected state in " + within + "; last status: " + status);
    }

    private static Document memberOf(Document status, String host) {
        return status.getList("members", Document.class).stream().filter(m -> host.equals(m.getString("name")))
                .findFirst().orElseThrow();
    }

    private static String stateOf(Document status, String host) {
        return memberOf(status, host).getString("stateStr");
    }

    private Document admin(String host, Document command) {
        return clients.computeIfAbsent(host, h -> MongoClients.create(MongoClientSettings.builder()
                .applyToClusterSettings(cluster -> cluster.hosts(List.of(new ServerAddress(h)))
                        .mode(ClusterConnectionMode.SINGLE).serverSelectionTimeout(5, TimeUnit.SECONDS))
                .build())).getDatabase("admin").runCommand(command);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
