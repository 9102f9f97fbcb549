package dev.cutover.runbook;

import java.util.List;
import java.util.Optional;

/**
 * A runbook file as the catalog sees it: valid with its model, or invalid with its problems.
 * Invalid runbooks are listed, never thrown.
 */
public record RunbookEntry(String name, String description, String file, List<RunbookProblem> problems, Runbook runbook) {

    public RunbookEntry {
        problems = List.copyOf(problems);
    }

    public boolean valid() {
        return runbook != null && problems.isEmpty();
    }

    public Optional<Runbook> validRunbook() {
        return valid() ? Optional.of(runbook) : Optional.empty();
    }
}
