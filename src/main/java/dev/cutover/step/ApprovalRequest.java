package dev.cutover.step;

import java.util.List;

/** What a waiting step asks of its approver: instructions and checklist items to tick. */
public record ApprovalRequest(String instructions, List<String> checklist) {

    public ApprovalRequest {
        checklist = checklist == null ? List.of() : List.copyOf(checklist);
    }
}
