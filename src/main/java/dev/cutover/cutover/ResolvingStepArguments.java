package dev.cutover.cutover;

import dev.cutover.runbook.Durations;
import dev.cutover.step.StepArguments;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A step's {@code with:} values as written in the runbook (already validated), with secret
 * references resolved only when a step reads them.
 */
final class ResolvingStepArguments implements StepArguments {

    private final Map<String, Object> with;
    private final UnaryOperator<String> resolver;

    ResolvingStepArguments(Map<String, Object> with, UnaryOperator<String> resolver) {
        this.with = with;
        this.resolver = resolver;
    }

    @Override
    public Optional<String> string(String name) {
        return Optional.ofNullable(with.get(name)).map(Object::toString).map(resolver);
    }

    @Override
    public Optional<Duration> duration(String name) {
        return string(name).map(Durations::parse);
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
    public Map<String, String> map(String name) {
        Map<String, String> resolved = new LinkedHashMap<>();
        if (with.get(name) instanceof Map<?, ?> entries) {
            entries.forEach((key, value) -> resolved.put(key.toString(), resolver.apply(String.valueOf(value))));
        }
        return resolved;
    }
}
