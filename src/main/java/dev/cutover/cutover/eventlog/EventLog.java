package dev.cutover.cutover.eventlog;

import dev.cutover.cutover.Actor;
import dev.cutover.cutover.CutoverState;
import dev.cutover.cutover.CutoverStep;
import dev.cutover.cutover.state.CutoverRepository;
import dev.cutover.cutover.state.CutoverStepRepository;
import dev.cutover.instance.InstanceLeases;
import dev.cutover.step.CutoverEventLog;
import java.util.EnumSet;

import static dev.cutover.cutover.state.CutoverRepository.instant;
import static dev.cutover.cutover.state.CutoverRepository.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The append-only event log of every cutover. This class only inserts and reads: there is no
 * update or delete of an event anywhere in the code base. Each appended event is also published
 * as a {@link CutoverEvent} application event (the dashboard's stream listens to it), and records
 * the instance that appended it: the other instances' {@link EventLogFollower}s publish it to their
 * listeners as an {@link EventAppendedElsewhere}.
 */
@Component
public class EventLog implements CutoverEventLog {

    private static final EnumSet<CutoverState> ENDED =
            EnumSet.of(CutoverState.COMPLETED, CutoverState.ROLLED_BACK, CutoverState.ABORTED);

    private static final TypeReference<Map<String, Object>> EVIDENCE = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final ApplicationEventPublisher publisher;
    private final CutoverRepository cutovers;
    private final CutoverStepRepository steps;
    private final InstanceLeases instances;
    private final TransactionTemplate transactions;

    EventLog(JdbcClient jdbc, JsonMapper json, ApplicationEventPublisher publisher, CutoverRepository cutovers,
             CutoverStepRepository steps, InstanceLeases instances, PlatformTransactionManager transactionManager) {
        this.instances = instances;
        this.cutovers = cutovers;
        this.steps = steps;
        this.jdbc = jdbc;
        this.json = json;
        this.publisher = publisher;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    /** For other modules (a scheduled delta sync): true while the cutover can still run steps. */
    @Override
    public boolean active(String cutoverId) {
        return cutovers.find(cutoverId).map(cutover -> !ENDED.contains(cutover.state())).orElse(false);
    }

    /** For other modules: appends with the step's phase looked up and the actor given by name (e.g. {@code scheduler}). */
    @Override
    public void record(String cutoverId, String stepId, String actor, String action, String outcome, String message,
                       Map<String, Object> evidence) {
        String phase = stepId == null ? null : steps.find(cutoverId, stepId).map(CutoverStep::phase).orElse(null);
        append(cutoverId, phase, stepId, new Actor(actor, null), action, outcome, message, evidence);
    }

    public CutoverEvent append(String cutoverId, String phase, String stepId, Actor actor, String action, String outcome,
                        String message, Map<String, Object> evidence) {
        Instant now = Instant.now();
        Map<String, Object> safeEvidence = evidence == null ? Map.of() : new LinkedHashMap<>(evidence);
        String shortMessage = message == null || message.length() <= 2000 ? message : message.substring(0, 1997) + "...";
        String evidenceJson = json.writeValueAsString(safeEvidence);
        String instanceId = instances.self().id();
        KeyHolder key = new GeneratedKeyHolder();
        // The event and its cutover's total commit together (joining the caller's transaction, if any).
        transactions.executeWithoutResult(status -> {
            jdbc.sql("""
                    INSERT INTO cutover_event (cutover_id, occurred_at, phase, step_id, actor, origin, action, outcome,
                      message, evidence, instance_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(cutoverId, ts(now), phase, stepId, actor.name(), actor.origin(), action, outcome,
                            shortMessage, evidenceJson, instanceId)
                    .update(key, "id");
            countAppended(cutoverId);
        });
        CutoverEvent event = new CutoverEvent(key.getKey().longValue(), cutoverId, now, phase, stepId, actor.name(),
                actor.origin(), action, outcome, shortMessage, safeEvidence);
        publisher.publishEvent(event);
        return event;
    }

    /**
     * A page of one cutover's events: a range of the index (cutover_id, id), read in its order, so a
     * page costs the same whether the log holds a thousand events or millions (EventLogQueryPlansTest).
     * The ORDER BY names both columns of the index: with {@code ORDER BY id} alone H2 read every event
     * of the cutover after {@code id} and sorted them to keep the first few.
     */
    static final String PAGE =
            "SELECT * FROM cutover_event WHERE cutover_id = ? AND id > ? ORDER BY cutover_id, id LIMIT ?";

    /** Events of one cutover, oldest first, after the given id (0 for the start). */
    public List<CutoverEvent> page(String cutoverId, long afterId, int limit) {
        return jdbc.sql(PAGE)
                .params(cutoverId, afterId, limit)
                .query(this::map).list();
    }

    /**
     * Like {@link #page}, with the evidence as the JSON text it was stored as (no evidence: {@code {}}, as
     * {@link #append} stores it): a replay writes it out as it is instead of parsing and writing it again.
     */
    List<StoredEvent> storedPage(String cutoverId, long afterId, int limit) {
        return jdbc.sql(PAGE)
                .params(cutoverId, afterId, limit)
                .query((rs, row) -> {
                    String evidence = rs.getString("evidence");
                    return new StoredEvent(rs.getLong("id"), rs.getString("cutover_id"), instant(rs, "occurred_at"),
                            rs.getString("phase"), rs.getString("step_id"), rs.getString("actor"),
                            rs.getString("origin"), rs.getString("action"), rs.getString("outcome"),
                            rs.getString("message"), evidence == null || evidence.isBlank() ? "{}" : evidence);
                }).list();
    }

    static final String BUMP_TOTAL = "UPDATE cutover_event_total SET events = events + 1 WHERE cutover_id = ?";
    static final String TOTAL = "SELECT events FROM cutover_event_total WHERE cutover_id = ?";

    /**
     * Adds the event just inserted to its cutover's total. The total's row locks until the transaction
     * ends, so appends to one cutover commit one after the other (those of different cutovers do not
     * wait for each other). A cutover without a total (created by an instance of an older version
     * during a rolling upgrade) gets one, counted once here.
     */
    private void countAppended(String cutoverId) {
        if (jdbc.sql(BUMP_TOTAL).param(cutoverId).update() == 1) {
            return;
        }
        try {
            jdbc.sql("""
                    INSERT INTO cutover_event_total (cutover_id, events)
                    SELECT ?, COUNT(*) FROM cutover_event WHERE cutover_id = ?""").params(cutoverId, cutoverId).update();
        } catch (DuplicateKeyException counted) {
            jdbc.sql(BUMP_TOTAL).param(cutoverId).update(); // another append counted them first
        }
    }

    /**
     * How many events the cutover's log holds: one row, kept with every append ({@link #countAppended}),
     * exact whatever order ids commit in. Counting the events instead read all of them in H2 (100,000
     * events of an archived cutover in seconds, every page of that cutover waiting: bench/load.sh).
     */
    public long count(String cutoverId) {
        return jdbc.sql(TOTAL).param(cutoverId).query(Long.class).optional().orElse(0L);
    }

    CutoverEvent map(ResultSet rs, int row) throws SQLException {
        String evidence = rs.getString("evidence");
        return new CutoverEvent(rs.getLong("id"), rs.getString("cutover_id"), instant(rs, "occurred_at"),
                rs.getString("phase"), rs.getString("step_id"), rs.getString("actor"), rs.getString("origin"),
                rs.getString("action"), rs.getString("outcome"), rs.getString("message"),
                evidence == null ? Map.of() : json.readValue(evidence, EVIDENCE));
    }
}
