package dev.cutover.step;

import java.util.LinkedHashMap;
import java.util.Map;

/** A step failed for a reason a tired engineer can act on; the evidence goes to the event log. */
public class StepFailedException extends Exception {

    private final transient Map<String, Object> evidence;

    public StepFailedException(String message) {
        this(message, Map.of());
    }

    public StepFailedException(String message, Map<String, Object> evidence) {
        super(message);
        this.evidence = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    public Map<String, Object> evidence() {
        return evidence;
    }
}
