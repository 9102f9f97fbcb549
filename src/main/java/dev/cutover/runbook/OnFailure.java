package dev.cutover.runbook;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the service does when a step fails past its retries ({@code onFailure:} on a step, or on a
 * phase as the default of its steps).
 */
public enum OnFailure {
    /** Stop and wait for a person (the default): the cutover shows FAILED. */
    STOP,
    /** Start the cutover's rollback as actor {@code system}, if a person's rollback would be allowed now. */
    ROLLBACK;

    /** As written in a runbook (and shown by the runbook API). */
    @JsonValue
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static List<String> yamlNames() {
        return List.of(STOP.yamlName(), ROLLBACK.yamlName());
    }

    static Optional<OnFailure> fromYaml(String text) {
        for (OnFailure value : values()) {
            if (value.yamlName().equals(text.trim())) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
