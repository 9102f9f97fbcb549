package dev.cutover.cutover;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Steps' stored outputs (JSON text) as read-only maps, each distinct text parsed once: every GET of a
 * cutover parsed all its steps' outputs again (thirty per GET in bench/load.sh, a good part of the service's
 * Jackson time and garbage), though a step's output text only changes when the step writes a new one.
 * Keyed by the text itself, so an answer is never stale; bounded, the least recently used go first.
 */
final class StepOutputs {

    /** Enough for the steps of a busy night's cutovers; an entry is an output of a few hundred bytes mostly. */
    static final int KEPT = 4096;
    /** Longer outputs (a command's output tail) are parsed each time rather than kept. */
    static final int LONGEST_KEPT = 16 * 1024;
    private static final TypeReference<Map<String, Object>> OUTPUT = new TypeReference<>() { };

    private final JsonMapper json;
    private final Map<String, Map<String, Object>> parsed = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Object>> eldest) {
            return size() > KEPT;
        }
    };

    StepOutputs(JsonMapper json) {
        this.json = json;
    }

    /** The output as a read-only map in its stored order; an empty map for none. */
    Map<String, Object> parse(String text) {
        if (text == null) {
            return Map.of();
        }
        Map<String, Object> known;
        synchronized (parsed) {
            known = parsed.get(text);
        }
        if (known != null) {
            return known;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> output = (Map<String, Object>) readOnly(json.readValue(text, OUTPUT));
        if (text.length() <= LONGEST_KEPT) {
            synchronized (parsed) {
                parsed.put(text, output);
            }
        }
        return output;
    }

    /** Shared between requests and threads: nobody may change a map or list inside. */
    private static Object readOnly(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>(map.size() * 4 / 3 + 1);
            map.forEach((key, inner) -> copy.put(key, readOnly(inner)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(inner -> copy.add(readOnly(inner)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
