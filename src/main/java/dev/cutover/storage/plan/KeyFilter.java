package dev.cutover.storage.plan;

import dev.cutover.storage.SyncSpec;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Include and exclude globs of a bucket mapping, matched against keys: {@code *} stays within one
 * {@code /} segment, {@code **} crosses them (and matches nothing as well), {@code ?} is one
 * character of a segment, {@code {a,b}} either; any other character stands for itself. E.g.
 * {@code logs/**} (which also matches the folder marker {@code logs/}) or {@code **.tmp}. A key
 * is synced when it matches an include (or there are none) and no exclude.
 * <p>
 * Keys are UTF-8 strings, not file paths: they are matched as they are, never normalised
 * ({@code ./logs/x} and {@code x/../logs/x} are keys of their own that {@code logs/**} does not
 * match) and never encoded in the platform's path encoding, which without a UTF-8 locale cannot
 * hold a key such as {@code é.bin}.
 */
public final class KeyFilter implements Predicate<String> {

    private final List<Pattern> includes;
    private final List<Pattern> excludes;
    private final List<String> describedAs;

    private KeyFilter(List<String> includes, List<String> excludes) {
        this.includes = includes.stream().map(KeyFilter::pattern).toList();
        this.excludes = excludes.stream().map(KeyFilter::pattern).toList();
        this.describedAs = List.of("include " + includes, "exclude " + excludes);
    }

    public static KeyFilter of(List<String> includes, List<String> excludes) {
        return new KeyFilter(includes == null ? List.of() : includes, excludes == null ? List.of() : excludes);
    }

    /** The keys a bucket mapping covers. */
    public static KeyFilter of(SyncSpec spec) {
        return of(spec.include(), spec.exclude());
    }

    public static KeyFilter all() {
        return of(List.of(), List.of());
    }

    @Override
    public boolean test(String key) {
        boolean included = includes.isEmpty() || includes.stream().anyMatch(p -> p.matcher(key).matches());
        return included && excludes.stream().noneMatch(p -> p.matcher(key).matches());
    }

    /** The glob as a regular expression over the whole key; literal runs are quoted whole (surrogate pairs stay pairs). */
    static Pattern pattern(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        boolean inAlternatives = false;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            String part;
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                part = ".*";
                i++;
            } else if (c == '*') {
                part = "[^/]*";
            } else if (c == '?') {
                part = "[^/]";
            } else if (c == '{' && !inAlternatives) {
                part = "(?:";
                inAlternatives = true;
            } else if (c == '}' && inAlternatives) {
                part = ")";
                inAlternatives = false;
            } else if (c == ',' && inAlternatives) {
                part = "|";
            } else {
                literal.append(c);
                continue;
            }
            flush(literal, regex);
            regex.append(part);
        }
        flush(literal, regex);
        if (inAlternatives) {
            throw new IllegalArgumentException("glob " + glob + " opens a '{' it does not close");
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private static void flush(StringBuilder literal, StringBuilder regex) {
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
            literal.setLength(0);
        }
    }

    @Override
    public String toString() {
        return String.join(", ", describedAs);
    }
}
