package dev.cutover.database.mysql;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a server's binlog ends: file and offset from {@code SHOW BINARY LOG STATUS} (or
 * {@code SHOW MASTER STATUS}) and the GTIDs written ({@code gtid_executed} / {@code gtid_binlog_pos}).
 */
record SourcePosition(String file, long position, String gtids) {

    boolean hasGtids() {
        return gtids != null && !gtids.isBlank();
    }

    String text() {
        return file + ":" + position + (hasGtids() ? " gtid " + gtids : "");
    }

    Map<String, Object> evidence() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("binlogFile", file);
        evidence.put("binlogPosition", position);
        evidence.put("gtids", hasGtids() ? gtids : "");
        return evidence;
    }
}
