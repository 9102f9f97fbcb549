package dev.cutover.database.mysql;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a server says of its own read-only switches ({@code @@GLOBAL.read_only}, and
 * {@code @@GLOBAL.super_read_only} where the flavor has one), read in one query.
 */
record ReadOnlyState(boolean readOnly, boolean hasSuperReadOnly, boolean superReadOnly) {

    /** Frozen as far as the server can freeze: read_only, plus super_read_only where it exists. */
    boolean frozen() {
        return readOnly && (!hasSuperReadOnly || superReadOnly);
    }

    String text() {
        return "read_only=" + (readOnly ? "ON" : "OFF")
                + (hasSuperReadOnly ? " super_read_only=" + (superReadOnly ? "ON" : "OFF") : "");
    }

    Map<String, Object> evidence() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("read_only", readOnly ? "ON" : "OFF");
        if (hasSuperReadOnly) {
            evidence.put("super_read_only", superReadOnly ? "ON" : "OFF");
        }
        return evidence;
    }
}
