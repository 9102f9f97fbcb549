package dev.cutover.storage;

import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookCatalog;
import dev.cutover.runbook.RunbookConnection;
import dev.cutover.runbook.RunbookEnvironment;
import dev.cutover.runbook.SecretReferences;
import dev.cutover.storage.filesystem.FilesystemObjectStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Opens the object store a runbook connection names, with its secrets resolved at that moment:
 * {@code type: gcs}, {@code s3} or {@code filesystem} (settings {@code root}), for one bucket
 * and an optional key prefix inside it.
 */
@Component
public class ObjectStores {

    /** Lazy: the runbook catalog validates against the step types, and the storage step types need this. */
    private final ObjectProvider<RunbookCatalog> runbooks;
    private final Map<String, StoreOpener> openers;

    /** Opens one kind of store from a connection's resolved settings. */
    @FunctionalInterface
    public interface StoreOpener {
        ObjectStore open(Function<String, Optional<String>> settings, String bucket, String prefix);
    }

    public ObjectStores(ObjectProvider<RunbookCatalog> runbooks, Map<String, StoreOpener> openers) {
        this.runbooks = runbooks;
        this.openers = Map.copyOf(openers);
    }

    /** Adapters register their opener as a bean named by the connection type they serve. */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class Openers {

        @org.springframework.context.annotation.Bean("filesystem")
        StoreOpener filesystem() {
            return (settings, bucket, prefix) -> {
                Path root = Path.of(settings.apply("root").orElseThrow(() -> new IllegalArgumentException(
                        "a filesystem connection needs the setting 'root' (a directory)")));
                return new FilesystemObjectStore(root.resolve(bucket).resolve(prefix));
            };
        }
    }

    /** The connection's type, or empty when the environment has no such connection. */
    public Optional<String> typeOf(String runbook, String environment, String connection) {
        return connection(runbook, environment, connection).map(RunbookConnection::type);
    }

    public ObjectStore open(String runbook, String environment, String connectionName, String bucket, String prefix) {
        RunbookConnection connection = connection(runbook, environment, connectionName).orElseThrow(() ->
                new IllegalArgumentException("runbook " + runbook + " has no connection '" + connectionName
                        + "' in environment " + environment));
        StoreOpener opener = openers.get(connection.type());
        if (opener == null) {
            throw new IllegalArgumentException("connection '" + connectionName + "' has type " + connection.type()
                    + ", which is not an object store; use one of " + openers.keySet());
        }
        return opener.open(name -> Optional.ofNullable(connection.settings().get(name)).map(SecretReferences::resolve),
                bucket, prefix == null ? "" : prefix);
    }

    private Optional<RunbookConnection> connection(String runbook, String environment, String connection) {
        return runbooks.getObject().findValid(runbook)
                .map(Runbook::environments)
                .map(environments -> environments.get(environment))
                .map(RunbookEnvironment::connections)
                .map(connections -> connections.get(connection));
    }
}
