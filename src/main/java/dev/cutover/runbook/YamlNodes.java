package dev.cutover.runbook;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Small questions asked of SnakeYAML nodes. */
final class YamlNodes {

    private YamlNodes() {
    }

    /** True for an absent value, {@code key:} with nothing after it, {@code ~} or {@code null}. */
    static boolean isNull(Node node) {
        return node == null || (node instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag()));
    }

    static boolean isScalar(Node node) {
        return node instanceof ScalarNode && !isNull(node);
    }

    static String text(Node node) {
        return ((ScalarNode) node).getValue();
    }

    /** "a list", "a mapping", "a value" or "nothing": for messages. */
    static String describe(Node node) {
        if (isNull(node)) {
            return "nothing";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        return "'" + text(node) + "'";
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String item(String path, int index) {
        return path + "[" + index + "]";
    }
}
