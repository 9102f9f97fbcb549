package dev.cutover.storage;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.function.Predicate;

/**
 * Include and exclude globs of a bucket mapping, matched against keys: {@code *} stays within one
 * {@code /} segment, {@code **} crosses them, e.g. {@code logs/**} or {@code **.tmp}. A key is
 * synced when it matches an include (or there are none) and no exclude.
 */
public final class KeyFilter implements Predicate<String> {

    private final List<PathMatcher> includes;
    private final List<PathMatcher> excludes;
    private final List<String> describedAs;

    private KeyFilter(List<String> includes, List<String> excludes) {
        this.includes = includes.stream().map(KeyFilter::matcher).toList();
        this.excludes = excludes.stream().map(KeyFilter::matcher).toList();
        this.describedAs = List.of("include " + includes, "exclude " + excludes);
    }

    public static KeyFilter of(List<String> includes, List<String> excludes) {
        return new KeyFilter(includes == null ? List.of() : includes, excludes == null ? List.of() : excludes);
    }

    public static KeyFilter all() {
        return of(List.of(), List.of());
    }

    @Override
    public boolean test(String key) {
        Path path = Path.of(key.isEmpty() ? "." : key);
        boolean included = includes.isEmpty() || includes.stream().anyMatch(m -> m.matches(path));
        return included && excludes.stream().noneMatch(m -> m.matches(path));
    }

    private static PathMatcher matcher(String glob) {
        return FileSystems.getDefault().getPathMatcher("glob:" + glob);
    }

    @Override
    public String toString() {
        return String.join(", ", describedAs);
    }
}
