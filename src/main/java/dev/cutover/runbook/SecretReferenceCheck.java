package dev.cutover.runbook;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.error.Mark;
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
            SecretReferences.malformed(scalar.getValue()).ifPresent(problem -> at(scalar, problem, path));
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

    /**
     * Points at the reference itself when the value is written on one line without escapes (the
     * column can then be counted); otherwise at the start of the value.
     */
    private void at(ScalarNode scalar, SecretReferences.Malformed problem, String path) {
        Mark start = scalar.getStartMark();
        Mark end = scalar.getEndMark();
        int quotes = switch (scalar.getScalarStyle()) {
            case PLAIN -> 0;
            case SINGLE_QUOTED, DOUBLE_QUOTED -> 1;
            default -> -1;
        };
        boolean countable = quotes >= 0 && start != null && end != null && start.getLine() == end.getLine()
                && end.getColumn() - start.getColumn() == scalar.getValue().length() + 2 * quotes;
        if (countable) {
            problems.at(start.getLine() + 1, start.getColumn() + 1 + quotes + problem.offset(), path, problem.message());
        } else {
            problems.at(scalar, path, problem.message());
        }
    }
}
