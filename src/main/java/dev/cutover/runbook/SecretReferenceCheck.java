package dev.cutover.runbook;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Finds malformed secret references in every value of a runbook, wherever they are written. */
final class SecretReferenceCheck {

    private final YamlProblems problems;
    private final Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());

    SecretReferenceCheck(YamlProblems problems) {
        this.problems = problems;
    }

    void check(Node node, String path) {
        if (node == null || !visited.add(node)) {
            return;  // aliases point at nodes already checked
        }
        if (node instanceof ScalarNode scalar) {
            SecretReferences.problemWith(scalar.getValue()).ifPresent(problem -> problems.at(node, path, problem));
        } else if (node instanceof SequenceNode sequence) {
            for (int i = 0; i < sequence.getValue().size(); i++) {
                check(sequence.getValue().get(i), YamlNodes.item(path, i));
            }
        } else if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                String key = tuple.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
                check(tuple.getValueNode(), YamlNodes.child(path, key));
            }
        }
    }
}
