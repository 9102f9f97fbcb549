package dev.cutover.runbook;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * The keys of one YAML mapping, read in order. Reports keys that are not plain text, duplicate
 * keys and, when the known keys are given, unknown keys with the closest known one.
 */
final class MappingFields {

    /** One key of the mapping: its nodes and the field path of its value. */
    record Field(String key, Node keyNode, Node value, String path) {
    }

    private final MappingNode mapping;
    private final String path;
    private final Map<String, Field> fields;

    private MappingFields(MappingNode mapping, String path, Map<String, Field> fields) {
        this.mapping = mapping;
        this.path = path;
        this.fields = fields;
    }

    /**
     * @param knownKeys the accepted keys, or {@code null} when any key is accepted (names chosen by
     *                  the author, such as environments and connections)
     * @param what      what the mapping is, for messages, e.g. "a step"
     */
    static MappingFields read(MappingNode mapping, String path, List<String> knownKeys, String what,
                              YamlProblems problems) {
        Map<String, Field> fields = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!YamlNodes.isScalar(keyNode)) {
                problems.at(keyNode, path, "keys must be plain names, found " + YamlNodes.describe(keyNode));
                continue;
            }
            String key = YamlNodes.text(keyNode);
            String fieldPath = YamlNodes.child(path, key);
            Field first = fields.get(key);
            if (first != null) {
                problems.at(keyNode, fieldPath, "duplicate key '" + key + "': it is already given at "
                        + YamlProblems.where(first.keyNode()) + "; keep only one");
                continue;
            }
            if (knownKeys != null && !knownKeys.contains(key)) {
                problems.at(keyNode, fieldPath, "unknown key '" + key + "'" + ClosestMatch.hint(key, knownKeys)
                        + "; " + what + " accepts: " + String.join(", ", knownKeys));
                continue;
            }
            fields.put(key, new Field(key, keyNode, tuple.getValueNode(), fieldPath));
        }
        return new MappingFields(mapping, path, fields);
    }

    Optional<Field> get(String key) {
        return Optional.ofNullable(fields.get(key));
    }

    /** The key's value when given: absent or empty gives nothing; a list or mapping is a problem. */
    Optional<String> optionalText(String key, YamlProblems problems) {
        Field field = fields.get(key);
        if (field == null || YamlNodes.isNull(field.value())) {
            return Optional.empty();
        }
        if (!YamlNodes.isScalar(field.value())) {
            problems.at(field.value(), field.path(), "'" + key + "' must be a single value, not "
                    + YamlNodes.describe(field.value()));
            return Optional.empty();
        }
        return Optional.of(YamlNodes.text(field.value()));
    }

    /** The key's non-blank value; when absent, the problem points at the mapping itself. */
    Optional<String> requiredText(String key, String hint, YamlProblems problems) {
        Field field = fields.get(key);
        if (field == null || YamlNodes.isNull(field.value())) {
            problems.at(field == null ? mapping : field.keyNode(), YamlNodes.child(path, key),
                    "missing '" + key + "': " + hint);
            return Optional.empty();
        }
        Optional<String> text = optionalText(key, problems);
        if (text.isPresent() && text.get().isBlank()) {
            problems.at(field.value(), field.path(), "'" + key + "' is empty: " + hint);
            return Optional.empty();
        }
        return text;
    }

    Collection<Field> all() {
        return fields.values();
    }
}
