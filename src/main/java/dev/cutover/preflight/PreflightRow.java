package dev.cutover.preflight;

import dev.cutover.step.PreflightFinding;
import java.util.List;
import java.util.Locale;

/**
 * One line of the table: what was checked, on which connection, for which steps, the outcome, how
 * long the check took and what to fix.
 *
 * @param status {@code ok}, {@code warning} or {@code failed}
 */
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true) // stored as JSON; older rows may hold dropped fields
public record PreflightRow(String check, String connection, List<String> steps, String status, long latencyMs,
                           String detail, String hint) {

    public PreflightRow {
        steps = List.copyOf(steps);
    }

    static String status(PreflightFinding.Status status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    boolean failed() {
        return "failed".equals(status);
    }

    boolean warning() {
        return "warning".equals(status);
    }

    /** One line for a step's failure message and the log: {@code privileges on orders-source: ...}. */
    String sentence() {
        return check + " on " + connection + ": " + detail + (hint.isEmpty() ? "" : " (" + hint + ")");
    }
}
