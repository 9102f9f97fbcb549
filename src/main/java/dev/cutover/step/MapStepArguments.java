package dev.cutover.step;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A step's {@code with:} values as written in the runbook (scalars as text, lists, maps of text,
 * lists of maps of text),
 * already validated, with every text value passed through {@code resolver} when read (the cutover
 * module resolves secret references there, at the last moment).
 */
public final class MapStepArguments implements StepArguments {

    private final Map<String, Object> with;
    private final UnaryOperator<String> resolver;
    private final Function<String, Duration> durations;

    /** @param durations parses the runbook's duration format ({@code 30s}, {@code 1h30m}, {@code PT5M}) */
    public MapStepArguments(Map<String, Object> with, UnaryOperator<String> resolver,
                            Function<String, Duration> durations) {
        this.with = with;
        this.resolver = resolver;
        this.durations = durations;
    }

    @Override
    public Optional<String> string(String name) {
        return Optional.ofNullable(with.get(name)).map(Object::toString).map(resolver);
    }

    @Override
    public Optional<Duration> duration(String name) {
        return string(name).map(durations);
    }

    @Override
    public Optional<Long> integer(String name) {
        return string(name).map(String::trim).map(Long::parseLong);
    }

    @Override
    public Optional<Boolean> bool(String name) {
        return string(name).map(String::trim).map(Boolean::parseBoolean);
    }

    @Override
    public List<String> list(String name) {
        Object value = with.get(name);
        if (value instanceof List<?> items) {
            return items.stream().map(Object::toString).map(resolver).toList();
        }
        return value == null ? List.of() : List.of(resolver.apply(value.toString()));
    }

    @Override
    public List<Map<String, String>> mappings(String name) {
        if (!(with.get(name) instanceof List<?> items)) {
            return List.of();
        }
        return items.stream().filter(Map.class::isInstance).map(item -> {
            Map<String, String> resolved = new LinkedHashMap<>();
            ((Map<?, ?>) item).forEach((key, value) -> resolved.put(key.toString(), resolver.apply(String.valueOf(value))));
            return java.util.Collections.unmodifiableMap(resolved);
        }).toList();
    }

    @Override
    public Map<String, String> map(String name) {
        Map<String, String> resolved = new LinkedHashMap<>();
        if (with.get(name) instanceof Map<?, ?> entries) {
            entries.forEach((key, value) -> resolved.put(key.toString(), resolver.apply(String.valueOf(value))));
        }
        return resolved;
    }
}
