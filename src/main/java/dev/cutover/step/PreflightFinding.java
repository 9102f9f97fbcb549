package dev.cutover.step;

/**
 * What one probe found. Texts name references, accounts and privileges, never a secret value.
 *
 * @param check  what was checked; null to keep the probe's own name
 * @param status ok, warning (passes, listed) or failed
 * @param detail what was seen, e.g. {@code MariaDB 10.11.19, binlog ROW, GTID strict}
 * @param hint   what the engineer should do about it; empty when nothing
 */
public record PreflightFinding(String check, Status status, String detail, String hint) {

    public enum Status { OK, WARNING, FAILED }

    public PreflightFinding {
        hint = hint == null ? "" : hint;
        detail = detail == null ? "" : detail;
    }

    public static PreflightFinding ok(String detail) {
        return new PreflightFinding(null, Status.OK, detail, "");
    }

    public static PreflightFinding warning(String detail, String hint) {
        return new PreflightFinding(null, Status.WARNING, detail, hint);
    }

    public static PreflightFinding failed(String detail, String hint) {
        return new PreflightFinding(null, Status.FAILED, detail, hint);
    }

    /** The same finding under another check name (one probe answering for several checks). */
    public PreflightFinding named(String name) {
        return new PreflightFinding(name, status, detail, hint);
    }
}
