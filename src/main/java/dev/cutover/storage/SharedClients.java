package dev.cutover.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * SDK clients (thread-safe, each with its connection pool and retry state) shared by every store
 * opened with the same settings, closed when the service stops. Keyed by a SHA-256 of the settings
 * that shape a client, secrets among them, so the key shows nothing and is never logged.
 */
public final class SharedClients<C> implements AutoCloseable {

    private final Map<String, C> clients = new ConcurrentHashMap<>();
    private final Consumer<C> closer;

    public SharedClients(Consumer<C> closer) {
        this.closer = closer;
    }

    /** The client for these settings, built on first use. */
    public C get(Supplier<C> build, Object... settings) {
        return clients.computeIfAbsent(hash(settings), key -> build.get());
    }

    /** How many clients are open (for tests). */
    public int size() {
        return clients.size();
    }

    @Override
    public void close() {
        clients.values().forEach(client -> {
            try {
                closer.accept(client);
            } catch (RuntimeException ignored) {
                // shutting down: a client that fails to close releases nothing more
            }
        });
        clients.clear();
    }

    private static String hash(Object... settings) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Object setting : settings) {
                digest.update(String.valueOf(setting).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
