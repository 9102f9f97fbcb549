package dev.cutover.preflight;

import java.time.Instant;
import java.util.List;

/**
 * One stored preflight: the table and its counts.
 *
 * @param cutoverId the cutover whose {@code preflight} step ran it; null when run from the API
 * @param wallMs    from the first probe started to the table assembled
 */
public record PreflightReport(String id, String runbook, String environment, String cutoverId, Instant startedAt,
                              long wallMs, int checks, int failed, int warnings, List<PreflightRow> rows) {

    public PreflightReport {
        rows = List.copyOf(rows);
    }

    static PreflightReport of(String id, String runbook, String environment, String cutoverId, Instant startedAt,
                              long wallMs, List<PreflightRow> rows) {
        int failed = (int) rows.stream().filter(PreflightRow::failed).count();
        int warnings = (int) rows.stream().filter(PreflightRow::warning).count();
        return new PreflightReport(id, runbook, environment, cutoverId, startedAt, wallMs, rows.size(), failed, warnings,
                rows);
    }

    public boolean passed() {
        return failed == 0;
    }
}
