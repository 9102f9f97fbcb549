package dev.cutover.step;

import java.util.List;

/**
 * One declared {@code with:} parameter of a step type.
 *
 * @param name the key under {@code with:}
 * @param kind what the value must look like
 * @param required whether the runbook must give it
 * @param description one line shown in validation hints
 * @param allowedValues for {@link Kind#STRING}: the only accepted values; for {@link Kind#CONNECTION}:
 *                      the only accepted connection types (e.g. {@code route53}); empty means any
 */
public record StepParameter(String name, Kind kind, boolean required, String description, List<String> allowedValues) {

    public enum Kind {
        /** Plain text; may hold a secret reference such as {@code ${env:NAME}}. */
        STRING,
        /** {@code 30s}, {@code 5m}, {@code 6h}, {@code 1d}, {@code 250ms} or ISO-8601 {@code PT5M}. */
        DURATION,
        INTEGER,
        BOOLEAN,
        /** A YAML sequence of scalars. */
        LIST,
        /** A YAML mapping of scalar keys to scalar values. */
        MAP,
        /**
         * A YAML sequence of mappings of scalar keys to scalar values, e.g. a gate's
         * {@code queries: [{ name: errors, query: "...", pass: "< 0.01" }]}.
         */
        MAPPINGS,
        /** The name of a connection that every environment of the runbook defines. */
        CONNECTION
    }

    public StepParameter {
        allowedValues = allowedValues == null ? List.of() : List.copyOf(allowedValues);
    }

    public static StepParameter required(String name, Kind kind, String description) {
        return new StepParameter(name, kind, true, description, List.of());
    }

    public static StepParameter optional(String name, Kind kind, String description) {
        return new StepParameter(name, kind, false, description, List.of());
    }

    /**
     * A connection whose {@code type:} must be one of {@code types} in every environment; the
     * description says why, since runbook validation quotes it when another type is named.
     */
    public static StepParameter connectionOf(String name, boolean required, String description, String... types) {
        return new StepParameter(name, Kind.CONNECTION, required, description, List.of(types));
    }

    public static StepParameter oneOf(String name, boolean required, String description, String... values) {
        return new StepParameter(name, Kind.STRING, required, description, List.of(values));
    }
}
