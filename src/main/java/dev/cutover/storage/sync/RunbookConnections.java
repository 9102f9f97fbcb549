package dev.cutover.storage.sync;

import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookConnection;
import dev.cutover.runbook.RunbookEnvironment;
import dev.cutover.runbook.SecretReferences;
import dev.cutover.step.ResolvedConnection;
import java.util.Optional;
import java.util.function.Function;

/**
 * The connections of a runbook's environment as the catalog has them now, for the standalone
 * sync API (which names a runbook, not a cutover); secret references resolve when read.
 */
final class RunbookConnections {

    private RunbookConnections() {
    }

    static Function<String, ResolvedConnection> of(Runbook runbook, String environment) {
        RunbookEnvironment env = runbook.environments().get(environment);
        return name -> {
            RunbookConnection connection = Optional.ofNullable(env).map(RunbookEnvironment::connections)
                    .map(connections -> connections.get(name)).orElseThrow(() -> new IllegalArgumentException(
                            "runbook " + runbook.name() + " has no connection '" + name + "' in environment " + environment));
            return connection.resolved(SecretReferences::resolve);
        };
    }
}
