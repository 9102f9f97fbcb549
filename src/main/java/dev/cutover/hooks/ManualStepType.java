package dev.cutover.hooks;

import dev.cutover.step.Approval;
import dev.cutover.step.ApprovalRequest;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * A human go: shows instructions and a checklist, waits for an approver, and fails unless every
 * checklist item was ticked. Who may approve is checked where the approval comes in (REST).
 */
@Component
public class ManualStepType implements StepType {

    @Override
    public String name() {
        return "manual";
    }

    @Override
    public String description() {
        return "Waits for an approver to confirm instructions and tick every checklist item";
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(
                StepParameter.optional("instructions", Kind.STRING, "what the approver must do or check"),
                StepParameter.optional("checklist", Kind.LIST, "items the approver must tick, each one"));
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        String instructions = context.arguments().string("instructions").orElse(null);
        List<String> checklist = context.arguments().list("checklist");
        Approval approval = context.awaitApproval(new ApprovalRequest(instructions, checklist));

        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("approver", approval.approver());
        evidence.put("approvedAt", String.valueOf(approval.at()));
        evidence.put("comment", approval.comment() == null ? "" : approval.comment());
        evidence.put("checkedItems", approval.checkedItems());

        List<String> unticked = checklist.stream().filter(item -> !approval.checkedItems().contains(item)).toList();
        if (!unticked.isEmpty()) {
            throw new StepFailedException(approval.approver() + " approved but did not tick "
                    + unticked.stream().map(item -> "'" + item + "'").collect(Collectors.joining(", ")), evidence);
        }
        return StepOutcome.succeeded("approved by " + approval.approver()
                + (checklist.isEmpty() ? "" : ", " + checklist.size() + " checklist item(s) ticked"), evidence);
    }
}
