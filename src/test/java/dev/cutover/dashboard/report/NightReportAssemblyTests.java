package dev.cutover.dashboard.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.cutover.eventlog.CutoverEvent;
import dev.cutover.cutover.CutoverView;
import dev.cutover.cutover.RehearsalForecast;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The report assembled from an event log written by hand, for what the service tests cannot reach
 * with wait, manual and command steps: a lag gate that opens on its samples, a step restarted after a
 * failure, a rollback that stops at a failed inverse, and an overrun against the rehearsals.
 */
class NightReportAssemblyTests {

    private static final Instant T0 = Instant.parse("2026-12-02T22:00:00Z");

    private final List<CutoverEvent> log = new ArrayList<>();

    private void event(int second, String phase, String step, String actor, String action, String outcome,
                       String message, Map<String, Object> evidence) {
        log.add(new CutoverEvent(log.size() + 1, "c-1", T0.plusSeconds(second), phase, step, actor,
                "system".equals(actor) ? null : "10.0.0.7", action, outcome, message, evidence));
    }

    private static CutoverView cutover(String state) {
        List<CutoverView.StepView> steps = List.of(
                new CutoverView.StepView("lag-gate", "mysql-lag-gate", "SUCCEEDED", null, null, "dba", null, 1, Map.of()),
                new CutoverView.StepView("promote", "command", "ROLLBACK_FAILED", null, null, "dba", null, 2, Map.of()));
        return new CutoverView("c-1", "prod-move", "ab".repeat(32), "6h", "production", false, state, "sync", 7L, "operator",
                T0.minusSeconds(60), T0.plusSeconds(400), List.of(new CutoverView.PhaseView("sync", "ROLLBACK_FAILED",
                true, steps)), List.of("rollback", "abort"));
    }

    private void theNight() {
        event(0, null, null, "operator", "create", "succeeded", "cutover of runbook prod-move in production", Map.of());
        event(1, "sync", null, "operator", "start-phase", "accepted", "phase sync starting", Map.of());
        event(2, "sync", "lag-gate", "system", "step", "started", "mysql-lag-gate step started", Map.of());
        event(62, "sync", "lag-gate", "system", "step", "succeeded", "lag under 1 s for 3 samples", Map.of(
                "thresholdSeconds", 1,
                "samples", List.of(Map.of("lagSeconds", 0.4, "pass", true), Map.of("lagSeconds", 0.2, "pass", true)),
                "positions", Map.of("source", "0-1-4242", "replica", "0-1-4242")));
        event(63, "sync", "promote", "system", "step", "started", "command step started", Map.of());
        event(73, "sync", "promote", "system", "step", "failed", "command exited with 1", Map.of("exitCode", 1));
        event(74, "sync", null, "system", "phase", "failed", "phase sync failed at step promote", Map.of());
        event(200, "sync", null, "operator", "restart-phase", "accepted", "restarting phase sync", Map.of());
        event(201, "sync", "promote", "system", "step", "started", "command step started", Map.of());
        event(301, "sync", "promote", "system", "step", "succeeded", "command exited with 0", Map.of("exitCode", 0));
        event(302, "sync", null, "approver", "rollback", "accepted", "rolling back from READY", Map.of());
        event(303, null, null, "system", "rollback", "started", "rolling back 2 step(s)",
                Map.of("steps", List.of("promote", "lag-gate")));
        event(304, "sync", "promote", "system", "rollback", "started", "running the declared command rollback",
                Map.of("type", "command"));
        event(310, "sync", "promote", "system", "rollback", "failed", "demote refused", Map.of("exitCode", 2));
        event(311, null, null, "system", "rollback", "failed", "rollback stopped at a failed inverse", Map.of());
    }

    private static Optional<RehearsalForecast.Forecast> rehearsed() {
        return Optional.of(new RehearsalForecast.Forecast("prod-move", "production", 3,
                new RehearsalForecast.Total(3, 70.0, 80.0, "rehearsals that ran every step"), null, null, null,
                List.of(new RehearsalForecast.PhaseFigures("sync", 70.0, 80.0)),
                List.of(new RehearsalForecast.StepFigures("sync", "lag-gate", "mysql-lag-gate", 3, 55.0, 65.0, 50.0, 66.0),
                        new RehearsalForecast.StepFigures("sync", "promote", "command", 3, 12.0, 15.0, 10.0, 16.0)),
                List.of(), "note"));
    }

    @Test
    void aLagGateOpeningIsADecisionWithItsSamples() {
        theNight();
        NightReport report = NightReports.assemble(cutover("ROLLBACK_FAILED"), log, true, rehearsed(), "auditor", "1.0");

        NightReport.Decision gate = report.decisions().stream().filter(d -> d.action().equals("gate opened"))
                .findFirst().orElseThrow();
        assertThat(gate.stepId()).isEqualTo("lag-gate");
        assertThat(gate.at()).isEqualTo(T0.plusSeconds(62));
        assertThat(gate.evidence()).containsKeys("samples", "positions", "thresholdSeconds");
        Shown samples = gate.shownEvidence().entries().stream().filter(e -> e.name().equals("samples")).findFirst()
                .orElseThrow().value();
        assertThat(samples.items()).hasSize(2).allSatisfy(sample -> assertThat(sample.table()).isTrue());
        assertThat(report.decisions()).extracting(NightReport.Decision::action)
                .containsExactly("create", "start-phase", "gate opened", "restart-phase", "rollback");
        assertThat(report.decisions()).filteredOn(d -> !d.actor().equals("system"))
                .extracting(NightReport.Decision::origin).containsOnly("10.0.0.7");
    }

    @Test
    void aRestartedStepShowsItsLastRunAndAnOverrunIsSaidInWords() {
        theNight();
        NightReport report = NightReports.assemble(cutover("ROLLBACK_FAILED"), log, true, rehearsed(), "auditor", "1.0");

        NightReport.StepLine promote = report.timeline().get(0).steps().get(1);
        assertThat(promote.runs()).isEqualTo(2);
        assertThat(promote.attempts()).isEqualTo(2);
        assertThat(promote.startedAt()).isEqualTo(T0.plusSeconds(201));
        assertThat(promote.durationSeconds()).isEqualTo(100.0);
        assertThat(promote.forecast().verdict()).isEqualTo("over p90");
        assertThat(promote.forecast().differenceSeconds()).isEqualTo(88.0);
        assertThat(new ReportText().versus(promote.forecast())).isEqualTo("+1 min 28 s (over p90)");
        NightReport.StepLine gate = report.timeline().get(0).steps().get(0);
        assertThat(gate.forecast().verdict()).isEqualTo("between p50 and p90");
        assertThat(report.header().forecastBasis()).contains("3 earlier rehearsals");
        assertThat(report.comparison()).as("only a rehearsal is compared with rehearsals").isNull();
    }

    @Test
    void theHeaderSaysHowTheNightFitItsWindowAndWhenThePointOfNoReturnWasPassed() {
        theNight();
        NightReport report = NightReports.assemble(cutover("ROLLED_BACK"), log, true, rehearsed(), "auditor", "1.0");

        assertThat(report.header().window()).isEqualTo("6h");
        assertThat(report.header().windowVerdict()).isEqualTo("within the window: 6 min 38 s of 6 h 00 min");
        assertThat(report.header().pointOfNoReturn()).isEqualTo("after phase sync: not passed");
        assertThat(NightReports.windowVerdict("5m", 400.0, true)).isEqualTo("over the window by 1 min 40 s (6 min 40 s of 5 min 00 s)");
        assertThat(NightReports.windowVerdict(null, 400.0, true)).isEqualTo("no window declared in the runbook");
        assertThat(MarkdownReport.render(report)).contains("| Window | within the window: ")
                .contains("| Point of no return | after phase sync: not passed |");
    }

    @Test
    void aRollbackThatStopsAtAFailedInverseSaysWhichRanAndWhichDidNot() {
        theNight();
        NightReport report = NightReports.assemble(cutover("ROLLBACK_FAILED"), log, true, Optional.empty(), "auditor",
                "1.0");

        NightReport.Rollback rollback = report.rollback();
        assertThat(rollback.orderedBy()).isEqualTo("approver");
        assertThat(rollback.origin()).isEqualTo("10.0.0.7");
        assertThat(rollback.outcome()).isEqualTo("failed");
        assertThat(rollback.inverses()).extracting(NightReport.Inverse::stepId).containsExactly("promote", "lag-gate");
        assertThat(rollback.inverses()).extracting(NightReport.Inverse::outcome).containsExactly("failed", "not run");
        assertThat(rollback.inverses().get(0).durationSeconds()).isEqualTo(6.0);
        assertThat(report.failures()).extracting(NightReport.Incident::message).containsExactly(
                "command exited with 1", "phase sync failed at step promote", "demote refused",
                "rollback stopped at a failed inverse");
        assertThat(report.header().ended()).isFalse();
        assertThat(report.header().endedAt()).isNull();
        assertThat(report.timeline().get(0).steps().get(0).forecast().verdict()).isEqualTo("no rehearsal before");

        String markdown = MarkdownReport.render(report);
        assertThat(markdown).contains("| 2 | lag-gate | — | — | — | — | — | not run | — |")
                .contains("  - samples:\n    -\n      - ");
    }
}
