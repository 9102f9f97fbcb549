package dev.cutover.storage;

import dev.cutover.step.ResolvedConnection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Opens the object store a connection names, with its settings (and secrets) resolved by whoever
 * gives the connection: a running step's context, the cutover's pinned runbook, or the runbook
 * catalog for the standalone API. {@code type: gcs}, {@code s3} or {@code filesystem} (setting
 * {@code root}), for one bucket and an optional key prefix inside it.
 */
@Component
public class ObjectStores {

    private final Map<String, StoreOpener> openers;

    /** Opens one kind of store from a connection's resolved settings. */
    @FunctionalInterface
    public interface StoreOpener {
        ObjectStore open(Function<String, Optional<String>> settings, String bucket, String prefix);
    }

    /** Each adapter registers its opener as a bean named by the connection type it serves. */
    public ObjectStores(Map<String, StoreOpener> openers) {
        this.openers = Map.copyOf(openers);
    }

    /** True when connections of this type are object stores. */
    public boolean serves(String type) {
        return openers.containsKey(type);
    }

    public ObjectStore open(ResolvedConnection connection, String bucket, String prefix) {
        StoreOpener opener = openers.get(connection.type());
        if (opener == null) {
            throw new IllegalArgumentException("connection '" + connection.name() + "' has type " + connection.type()
                    + ", which is not an object store; use one of " + openers.keySet());
        }
        return opener.open(connection::setting, bucket, prefix == null ? "" : prefix);
    }
}
