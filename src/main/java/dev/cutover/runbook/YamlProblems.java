package dev.cutover.runbook;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/** The problems found in one runbook file, each pinned to a 1-based line and column. */
final class YamlProblems {

    private final String file;
    private final List<RunbookProblem> problems = new ArrayList<>();

    YamlProblems(String file) {
        this.file = file;
    }

    void at(Node node, String field, String message) {
        at(node == null ? null : node.getStartMark(), field, message);
    }

    void at(Mark mark, String field, String message) {
        if (mark == null) {
            at(1, 1, field, message);
        } else {
            at(mark.getLine() + 1, mark.getColumn() + 1, field, message);
        }
    }

    void at(int line, int column, String field, String message) {
        problems.add(new RunbookProblem(file, line, column, field, message));
    }

    int count() {
        return problems.size();
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** All problems in the order they appear in the file. */
    List<RunbookProblem> inFileOrder() {
        List<RunbookProblem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt(RunbookProblem::line).thenComparingInt(RunbookProblem::column));
        return List.copyOf(sorted);
    }

    static String where(Node node) {
        Mark mark = node.getStartMark();
        return mark == null ? "line 1, column 1" : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }
}
