package dev.cutover.cutover.state;

import static dev.cutover.cutover.state.CutoverRepository.instant;
import static dev.cutover.cutover.state.CutoverRepository.ts;

import dev.cutover.step.Approval;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Approvals given to manual steps. One per step: a second approval of the same step is refused. */
@Repository
public class ApprovalRepository {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ApprovalRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Returns false when the step was approved already. */
    public boolean insert(String cutoverId, String stepId, Approval approval) {
        if (find(cutoverId, stepId).isPresent()) {
            return false;
        }
        try {
            jdbc.sql("""
                    INSERT INTO step_approval (cutover_id, step_id, approver, approved_at, comment, checked_items)
                    VALUES (?, ?, ?, ?, ?, ?)""")
                    .params(cutoverId, stepId, approval.approver(), ts(approval.at()), approval.comment(),
                            json.writeValueAsString(approval.checkedItems()))
                    .update();
            return true;
        } catch (org.springframework.dao.DuplicateKeyException raced) {
            return false;
        }
    }

    public Optional<Approval> find(String cutoverId, String stepId) {
        return jdbc.sql("SELECT * FROM step_approval WHERE cutover_id = ? AND step_id = ?").params(cutoverId, stepId)
                .query((rs, row) -> new Approval(rs.getString("approver"), instant(rs, "approved_at"),
                        rs.getString("comment"),
                        json.readValue(rs.getString("checked_items"), new TypeReference<List<String>>() { })))
                .optional();
    }

    /** A rejected checklist must be approvable again once the step is restarted. */
    public void delete(String cutoverId, String stepId) {
        jdbc.sql("DELETE FROM step_approval WHERE cutover_id = ? AND step_id = ?").params(cutoverId, stepId).update();
    }
}
