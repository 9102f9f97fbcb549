package dev.cutover.cutover.execution;

import dev.cutover.step.SecretMask;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers every secret value resolved for one step and replaces it by {@code ******} in any
 * text or evidence before that text is stored, logged or answered.
 */
final class SecretRedactor {

    static final String MASK = SecretMask.MASK;

    private final Set<String> secrets = ConcurrentHashMap.newKeySet();

    void remember(String secretValue) {
        if (secretValue != null && !secretValue.isEmpty()) {
            secrets.add(secretValue);
        }
    }

    String redact(String text) {
        return SecretMask.mask(text, secrets);
    }

    /** Masks a piece cut out of a longer text, including a piece of a secret left at the cut. */
    String redactExcerpt(String text, boolean cutBefore, boolean cutAfter) {
        return SecretMask.maskCut(text, secrets, cutBefore, cutAfter);
    }

    Map<String, Object> redact(Map<String, Object> evidence) {
        Map<String, Object> safe = new LinkedHashMap<>();
        evidence.forEach((key, value) -> safe.put(key, redactValue(value)));
        return safe;
    }

    @SuppressWarnings("unchecked")
    private Object redactValue(Object value) {
        if (value instanceof String text) {
            return redact(text);
        }
        if (value instanceof Map<?, ?> map) {
            return redact((Map<String, Object>) map);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(this::redactValue).toList();
        }
        return value;
    }
}
