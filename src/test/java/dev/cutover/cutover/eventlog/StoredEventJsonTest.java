package dev.cutover.cutover.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.cutover.Actor;
import dev.cutover.testsupport.MigratedH2;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 15 (load): a replay writes each event's stored evidence JSON as it is instead of parsing it
 * into a map and writing it again; a replayed event's JSON is still exactly what it was before.
 */
class StoredEventJsonTest {

    private static final MigratedH2 database = MigratedH2.create();
    private static final EventLog log = EventTotalsTest.eventLog(database.dataSource());
    private static final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aStoredEventWritesTheSameJsonAsTheEventParsedFromTheLog() {
        String cutover = database.cutover("load", false);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("lagSeconds", 3);
        evidence.put("ratio", 0.25);
        evidence.put("quoted", "a \"b\" \\ c\nd é ✓");
        evidence.put("nested", Map.of("hosts", List.of("db-1", "db-2"), "ok", true));
        evidence.put("none", null);
        log.append(cutover, "run", "s01", new Actor("alice", "10.0.0.1"), "step", "succeeded", "with evidence", evidence);
        log.append(cutover, null, null, new Actor("system", null), "note", "info", null, null);
        database.jdbc().sql("""
                INSERT INTO cutover_event (cutover_id, occurred_at, actor, action, outcome, message, evidence)
                VALUES (?, CURRENT_TIMESTAMP, 'legacy', 'note', 'info', 'no evidence column value', NULL)""")
                .param(cutover).update();

        List<CutoverEvent> parsed = log.page(cutover, 0, 10);
        List<StoredEvent> stored = log.storedPage(cutover, 0, 10);

        assertThat(stored).hasSize(3);
        assertThat(stored.stream().map(json::writeValueAsString).toList())
                .containsExactlyElementsOf(parsed.stream().map(json::writeValueAsString).toList());
    }
}
