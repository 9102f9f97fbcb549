package dev.cutover.dashboard.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Text from the event log is data in the Markdown report: it can neither break a table nor inject markup. */
class MarkdownReportTests {

    private static final Instant AT = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void aMessageWithAPipeANewlineOrATagStaysInItsCellAsText() {
        NightReport.Incident incident = new NightReport.Incident(AT, "go", "probe", "step", "failed",
                "status 500 | body: <img src=x onerror=alert(1)>\nsecond line", Map.of("output", "a\nb"));
        String markdown = MarkdownReport.render(report(List.of(incident)));

        assertThat(markdown).contains("| 10:00:00 | go / probe | step | failed | status 500 \\| body: "
                + "&lt;img src=x onerror=alert(1)><br>second line |");
        assertThat(markdown).doesNotContain("<img");
    }

    @Test
    void aReportWithNothingYetSaysSoInEverySection() {
        String markdown = MarkdownReport.render(report(List.of()));
        assertThat(markdown).contains("No decision was recorded.").contains("No step has ended yet.")
                .contains("None: no step failed and none was retried.").contains("No rollback was ordered.")
                .contains("| Total duration | not started |");
    }

    private static NightReport report(List<NightReport.Incident> failures) {
        NightReport.Header header = new NightReport.Header("c-1", "demo", "ab".repeat(32), "local", false, "READY",
                "operator", AT, null, null, null, false, "no forecast: no rehearsal of demo in local before this cutover", null,
                "no window declared in the runbook", "none declared in the runbook");
        return new NightReport(header, List.of(), List.of(), List.of(), List.of(), List.of(), failures, null, null,
                new NightReport.Footer(AT, "viewer", "test", 1));
    }
}
