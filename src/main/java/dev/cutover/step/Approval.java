package dev.cutover.step;

import java.time.Instant;
import java.util.List;

/** A human go given to a waiting step: who, when, with what comment and which items ticked. */
public record Approval(String approver, Instant at, String comment, List<String> checkedItems) {

    public Approval {
        checkedItems = checkedItems == null ? List.of() : List.copyOf(checkedItems);
    }
}
