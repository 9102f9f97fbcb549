package dev.cutover.validation;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A comparison of a metric's value with a number, as a runbook writes it: {@code < 0.01},
 * {@code <= 250}, {@code == 0}, {@code != 1}, {@code >= 1e3}.
 */
record Condition(String operator, double threshold, String text) {

    private static final Pattern SHAPE = Pattern.compile(
            "\\s*(<=|>=|==|!=|<|>)\\s*([-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?)\\s*");
    static final String EXAMPLES = "write an operator (<, <=, >, >=, == or !=) and a number, e.g. \"< 0.01\" or \"<= 250\"";

    /** The condition, or empty with {@code problem} saying why the text is not one. */
    static Optional<Condition> parse(String text, StringBuilder problem) {
        Matcher m = SHAPE.matcher(text == null ? "" : text);
        if (!m.matches()) {
            problem.append("'").append(text).append("' is not a condition: ").append(EXAMPLES);
            return Optional.empty();
        }
        return Optional.of(new Condition(m.group(1), Double.parseDouble(m.group(2)), m.group(1) + " " + m.group(2)));
    }

    /** Parses a condition already validated with the runbook. */
    static Condition of(String text) {
        StringBuilder problem = new StringBuilder();
        return parse(text, problem).orElseThrow(() -> new IllegalArgumentException(problem.toString()));
    }

    /** Whether {@code value} meets the condition; NaN meets none (it is no data, handled before). */
    boolean holds(double value) {
        return switch (operator) {
            case "<" -> value < threshold;
            case "<=" -> value <= threshold;
            case ">" -> value > threshold;
            case ">=" -> value >= threshold;
            case "==" -> value == threshold;
            case "!=" -> value != threshold;
            default -> throw new IllegalStateException("unknown operator " + operator);
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
