package dev.cutover.monitoring;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads. promtool cannot list them, so: drop string literals,
 * label matchers, range/offset durations and the label lists of {@code by}, {@code without},
 * {@code on}, {@code ignoring}, {@code group_left}, {@code group_right}; what remains that looks
 * like an identifier, is not followed by "(" (a function or aggregation) and is not a keyword, is
 * a metric name. Grafana's {@code label_values(metric, label)} names its metric first.
 */
final class PromQlNames {

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "inf", "nan", "atan2");
    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern LABEL_LISTS = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,[^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\\w(])(?!\\s*\\()");

    private PromQlNames() {
    }

    static Set<String> of(String expression) {
        Set<String> names = new TreeSet<>();
        Matcher labelValues = LABEL_VALUES.matcher(expression);
        while (labelValues.find()) {
            names.add(labelValues.group(1));
        }
        String rest = LABEL_VALUES.matcher(expression).replaceAll(" ");
        rest = STRINGS.matcher(rest).replaceAll(" ");
        rest = rest.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
        rest = LABEL_LISTS.matcher(rest).replaceAll(" ");
        rest = rest.replaceAll("\\boffset\\s+-?[0-9a-z]+", " ");
        Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find()) {
            String name = identifier.group(1);
            if (!KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                names.add(name);
            }
        }
        return names;
    }
}
