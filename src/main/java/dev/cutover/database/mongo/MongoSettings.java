package dev.cutover.database.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCredential;
import com.mongodb.ServerAddress;
import com.mongodb.connection.ClusterConnectionMode;
import dev.cutover.step.ResolvedConnection;
import dev.cutover.step.StepFailedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How to reach one {@code type: mongo} connection: its {@code uri} (seed hosts, replica-set name,
 * TLS and auth options; may hold a secret reference) and optional {@code user}/{@code password}
 * that override the URI's. Deliberately has no {@code toString} of the URI: it may carry a password.
 */
record MongoSettings(ConnectionString uri, MongoCredential credential) {

    static final String TYPE = "mongo";
    /** Short on purpose: a cutover step must report an unreachable member in seconds, not after 30 s. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Pattern AUTH_SOURCE = Pattern.compile("[?&]authSource=([^&]+)");

    static MongoSettings of(ResolvedConnection connection) throws StepFailedException {
        if (!TYPE.equals(connection.type())) {
            throw new StepFailedException("connection '" + connection.name() + "' is of type " + connection.type()
                    + "; this step needs a mongo connection", Map.of("connection", connection.name()));
        }
        String text = connection.setting("uri").orElseThrow(() -> new StepFailedException("mongo connection '"
                + connection.name() + "' has no uri setting (mongodb://host:port,.../?replicaSet=rs0)",
                Map.of("connection", connection.name())));
        ConnectionString uri;
        try {
            uri = new ConnectionString(text);
        } catch (IllegalArgumentException e) {
            // The driver's message may quote the URI, password included: say only what is wrong in general.
            throw new StepFailedException("the uri of mongo connection '" + connection.name()
                    + "' is not a valid mongodb:// connection string", Map.of("connection", connection.name()));
        }
        MongoCredential credential = uri.getCredential();
        if (connection.setting("user").isPresent()) {
            String source = credential != null ? credential.getSource() : authSource(text);
            credential = MongoCredential.createCredential(connection.setting("user").get(), source,
                    connection.setting("password").orElse("").toCharArray());
        }
        return new MongoSettings(uri, credential);
    }

    /** The URI's {@code authSource}; the driver keeps it only when the URI itself names a user. */
    private static String authSource(String uri) {
        Matcher matcher = AUTH_SOURCE.matcher(uri);
        return matcher.find() ? matcher.group(1) : "admin";
    }

    List<String> seeds() {
        return uri.getHosts();
    }

    /**
     * Settings of a client that talks to exactly one member, whatever its state: commands such as
     * {@code replSetStepDown}, {@code replSetFreeze} or {@code fsyncUnlock} must reach that member.
     */
    MongoClientSettings direct(String host, Duration readTimeout) {
        MongoClientSettings.Builder builder = MongoClientSettings.builder().applyConnectionString(uri)
                .applyToClusterSettings(cluster -> cluster.hosts(List.of(new ServerAddress(host)))
                        .mode(ClusterConnectionMode.SINGLE)
                        .requiredReplicaSetName(null) // a removed member answers without a set name
                        .serverSelectionTimeout(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                .applyToSocketSettings(socket -> socket
                        .connectTimeout((int) CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .readTimeout((int) readTimeout.toMillis(), TimeUnit.MILLISECONDS))
                .retryWrites(false)
                .retryReads(false)
                .applicationName("cutover-orchestrator");
        if (credential != null) {
            builder.credential(credential);
        }
        return builder.build();
    }

    /** Hosts only: {@link ConnectionString#toString()} would give the URI back, password and all. */
    @Override
    public String toString() {
        return "MongoSettings" + seeds();
    }
}
