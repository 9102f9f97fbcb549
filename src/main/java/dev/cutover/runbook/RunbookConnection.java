package dev.cutover.runbook;

import java.util.Map;

/**
 * A named endpoint of an environment. Setting values are kept as written: secret references
 * such as {@code ${env:MYSQL_PASSWORD}} stay unresolved until a step reads them.
 */
public record RunbookConnection(String name, String type, Map<String, String> settings) {

    public RunbookConnection {
        settings = Map.copyOf(settings);
    }
}
