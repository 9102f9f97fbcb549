package dev.cutover.step;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code with:} values of one step, already validated against the declared parameters.
 * Getters resolve secret references ({@code ${env:NAME}}, {@code ${file:/path}}) at the moment
 * they are called; the resolved values are remembered by the context so they can be redacted.
 */
public interface StepArguments {

    Optional<String> string(String name);

    Optional<Duration> duration(String name);

    Optional<Long> integer(String name);

    Optional<Boolean> bool(String name);

    List<String> list(String name);

    Map<String, String> map(String name);

    /** A {@link StepParameter.Kind#MAPPINGS} value: one map per item, in the order written; empty when absent. */
    default List<Map<String, String>> mappings(String name) {
        return List.of();
    }

    default String requiredString(String name) {
        return string(name).orElseThrow(() -> new IllegalArgumentException("missing parameter '" + name + "'"));
    }
}
