package dev.cutover.cutover.state;

import dev.cutover.cutover.CutoverStep;
import dev.cutover.cutover.StepState;

import static dev.cutover.cutover.state.CutoverRepository.instant;
import static dev.cutover.cutover.state.CutoverRepository.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The per-cutover state of each runbook step. */
@Repository
public class CutoverStepRepository {

    private final JdbcClient jdbc;

    CutoverStepRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(CutoverStep step) {
        jdbc.sql("""
                INSERT INTO cutover_step (cutover_id, phase, step_id, position, type, owner, state, attempts)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0)""")
                .params(step.cutoverId(), step.phase(), step.stepId(), step.position(), step.type(), step.owner(),
                        step.state().name())
                .update();
    }

    public List<CutoverStep> findByCutover(String cutoverId) {
        return jdbc.sql("SELECT * FROM cutover_step WHERE cutover_id = ? ORDER BY position").param(cutoverId)
                .query(CutoverStepRepository::map).list();
    }

    public Optional<CutoverStep> find(String cutoverId, String stepId) {
        return jdbc.sql("SELECT * FROM cutover_step WHERE cutover_id = ? AND step_id = ?").params(cutoverId, stepId)
                .query(CutoverStepRepository::map).optional();
    }

    public List<CutoverStep> findInStates(String cutoverId, Collection<StepState> states) {
        return jdbc.sql("SELECT * FROM cutover_step WHERE cutover_id = :id AND state IN (:states) ORDER BY position")
                .param("id", cutoverId).param("states", states.stream().map(Enum::name).toList())
                .query(CutoverStepRepository::map).list();
    }

    /** The step's attempt starts; false when {@code guard} no longer holds (nothing written). */
    public boolean started(String cutoverId, String stepId, int attempt, StepRowGuard guard) {
        return guarded("state = 'RUNNING', attempts = ?, started_at = ?, ended_at = NULL",
                List.of(attempt, ts(Instant.now())), cutoverId, stepId, guard);
    }

    /** The step's undo starts; false when {@code guard} no longer holds (nothing written). */
    public boolean undoStarted(String cutoverId, String stepId, StepRowGuard guard) {
        return guarded("state = 'ROLLING_BACK'", List.of(), cutoverId, stepId, guard);
    }

    public void state(String cutoverId, String stepId, StepState state) {
        jdbc.sql("UPDATE cutover_step SET state = ? WHERE cutover_id = ? AND step_id = ?")
                .params(state.name(), cutoverId, stepId).update();
    }

    public void output(String cutoverId, String stepId, String outputJson) {
        jdbc.sql("UPDATE cutover_step SET output = ? WHERE cutover_id = ? AND step_id = ?")
                .params(outputJson, cutoverId, stepId).update();
    }

    /** The step's action ended; false when {@code guard} no longer holds (nothing written). */
    public boolean ended(String cutoverId, String stepId, StepState state, String outputJson, StepRowGuard guard) {
        return guarded("state = ?, ended_at = ?, output = ?", List.of(state.name(), ts(Instant.now()), outputJson),
                cutoverId, stepId, guard);
    }

    /**
     * The step's progress, written only while the step (or its undo) runs: an attempt that timed out and
     * did not stop may go on reporting after the step's outcome is written, and must not replace it (nor
     * an approval request). False when the step is not running or {@code guard} no longer holds.
     */
    public boolean output(String cutoverId, String stepId, String outputJson, StepRowGuard guard) {
        return guarded("output = ?", List.of(outputJson), cutoverId, stepId, new StepRowGuard(
                "state IN ('RUNNING', 'ROLLING_BACK') AND (" + guard.condition() + ")", guard.params()));
    }

    private boolean guarded(String set, List<Object> setParams, String cutoverId, String stepId, StepRowGuard guard) {
        List<Object> params = new java.util.ArrayList<>(setParams);
        params.add(cutoverId);
        params.add(stepId);
        params.addAll(guard.params());
        return jdbc.sql("UPDATE cutover_step SET " + set + " WHERE cutover_id = ? AND step_id = ? AND " + guard.condition())
                .params(params).update() > 0;
    }

    /** Marks steps caught running by a crash; returns how many there were. */
    public int interrupt(String cutoverId) {
        return jdbc.sql("""
                UPDATE cutover_step SET state = 'INTERRUPTED', ended_at = ?
                WHERE cutover_id = ? AND state IN ('RUNNING', 'AWAITING_APPROVAL', 'ROLLING_BACK')""")
                .params(ts(Instant.now()), cutoverId).update();
    }

    private static CutoverStep map(ResultSet rs, int row) throws SQLException {
        return new CutoverStep(rs.getString("cutover_id"), rs.getString("phase"), rs.getString("step_id"),
                rs.getInt("position"), rs.getString("type"), rs.getString("owner"),
                StepState.valueOf(rs.getString("state")), rs.getInt("attempts"), instant(rs, "started_at"),
                instant(rs, "ended_at"), rs.getString("output"));
    }
}
