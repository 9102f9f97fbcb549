package dev.cutover.runbook;

import dev.cutover.step.ResolvedConnection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A named endpoint of an environment. Setting values are kept as written: secret references
 * such as {@code ${env:MYSQL_PASSWORD}} stay unresolved until a step reads them.
 */
public record RunbookConnection(String name, String type, Map<String, String> settings) {

    public RunbookConnection {
        settings = Map.copyOf(settings);
    }

    /** This connection as steps read it: each setting resolved by {@code resolver} (secret references) when read. */
    public ResolvedConnection resolved(UnaryOperator<String> resolver) {
        return new Resolving(this, resolver);
    }

    private record Resolving(RunbookConnection connection, UnaryOperator<String> resolver) implements ResolvedConnection {

        @Override
        public String name() {
            return connection.name();
        }

        @Override
        public String type() {
            return connection.type();
        }

        @Override
        public Set<String> settingNames() {
            return connection.settings().keySet();
        }

        @Override
        public Optional<String> setting(String setting) {
            return Optional.ofNullable(connection.settings().get(setting)).map(resolver);
        }
    }
}
