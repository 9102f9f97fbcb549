package dev.cutover.runbook;

import java.util.Map;

/** One environment (staging, production, local): same steps, its own connections. */
public record RunbookEnvironment(String name, Map<String, RunbookConnection> connections) {

    public RunbookEnvironment {
        connections = Map.copyOf(connections);
    }
}
