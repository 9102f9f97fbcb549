package dev.cutover.runbook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** Reads {@code environments:}: per environment, its named connections. */
final class EnvironmentsReader {

    private static final List<String> ENVIRONMENT_KEYS = List.of("connections");
    private static final String EXAMPLE = "e.g. environments: { staging: { connections: { assets-gcs: { type: gcs, project: my-project } } } }";

    private final YamlProblems problems;

    EnvironmentsReader(YamlProblems problems) {
        this.problems = problems;
    }

    Map<String, RunbookEnvironment> read(Optional<MappingFields.Field> field, Node root) {
        Map<String, RunbookEnvironment> environments = new LinkedHashMap<>();
        if (field.isEmpty() || YamlNodes.isNull(field.get().value())) {
            problems.at(field.map(MappingFields.Field::keyNode).orElse(root), "environments",
                    "no environments: a runbook needs at least one, " + EXAMPLE);
            return environments;
        }
        if (!(field.get().value() instanceof MappingNode mapping)) {
            problems.at(field.get().value(), "environments", "environments must be a mapping of environment names "
                    + "to their connections, " + EXAMPLE);
            return environments;
        }
        for (MappingFields.Field environment : MappingFields.read(mapping, "environments", null, "environments", problems).all()) {
            environments.put(environment.key(), new RunbookEnvironment(environment.key(), connections(environment)));
        }
        if (environments.isEmpty() && mapping.getValue().isEmpty()) {
            problems.at(mapping, "environments", "no environments: a runbook needs at least one, " + EXAMPLE);
        }
        return environments;
    }

    private Map<String, RunbookConnection> connections(MappingFields.Field environment) {
        Map<String, RunbookConnection> connections = new LinkedHashMap<>();
        if (YamlNodes.isNull(environment.value())) {
            return connections;
        }
        if (!(environment.value() instanceof MappingNode mapping)) {
            problems.at(environment.value(), environment.path(), "an environment must be a mapping with "
                    + "connections:, found " + YamlNodes.describe(environment.value()));
            return connections;
        }
        Optional<MappingFields.Field> field = MappingFields
                .read(mapping, environment.path(), ENVIRONMENT_KEYS, "an environment", problems).get("connections");
        if (field.isEmpty() || YamlNodes.isNull(field.get().value())) {
            return connections;
        }
        if (!(field.get().value() instanceof MappingNode connectionsNode)) {
            problems.at(field.get().value(), field.get().path(), "connections must be a mapping of connection "
                    + "names to their settings, e.g. orders-mysql: { type: mysql, url: ... }");
            return connections;
        }
        for (MappingFields.Field connection : MappingFields.read(connectionsNode, field.get().path(), null, "connections", problems).all()) {
            connection(connection).ifPresent(c -> connections.put(c.name(), c));
        }
        return connections;
    }

    private Optional<RunbookConnection> connection(MappingFields.Field connection) {
        if (!(connection.value() instanceof MappingNode mapping)) {
            problems.at(YamlNodes.isNull(connection.value()) ? connection.keyNode() : connection.value(), connection.path(),
                    "connection '" + connection.key() + "' must be a mapping with a type and its settings, "
                            + "e.g. { type: mysql, url: \"jdbc:mysql://host/db\", username: migrator }");
            return Optional.empty();
        }
        MappingFields fields = MappingFields.read(mapping, connection.path(), null, "a connection", problems);
        Optional<String> type = fields.requiredText("type",
                "every connection needs a type, e.g. gcs, s3, mysql, mongo or route53", problems);
        Map<String, String> settings = new LinkedHashMap<>();
        for (MappingFields.Field setting : fields.all()) {
            if (setting.key().equals("type")) {
                continue;
            }
            if (YamlNodes.isNull(setting.value())) {
                problems.at(setting.keyNode(), setting.path(), "setting '" + setting.key() + "' has no value: "
                        + "give one or remove the key");
            } else if (!YamlNodes.isScalar(setting.value())) {
                problems.at(setting.value(), setting.path(), "setting '" + setting.key() + "' must be a single "
                        + "value, not " + YamlNodes.describe(setting.value()));
            } else {
                settings.put(setting.key(), YamlNodes.text(setting.value()));
            }
        }
        return Optional.of(new RunbookConnection(connection.key(), type.orElse(""), settings));
    }
}
