package dev.cutover.runbook;

/**
 * One thing wrong with a runbook, pointing at where it is.
 *
 * @param file    the runbook file name, e.g. {@code gcp-to-aws.yaml}
 * @param line    1-based line of the offending node
 * @param column  1-based column of the offending node
 * @param field   the path of the field, e.g. {@code phases[1].steps[0].with.source}
 * @param message what is wrong, with a hint on how to fix it
 */
public record RunbookProblem(String file, int line, int column, String field, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + field + ": " + message;
    }
}
