package dev.cutover.dashboard;

import dev.cutover.cutover.CutoverTransitions;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The "Gate samples" panel of a cutover's page ({@code lag-charts.html}, drawn by
 * {@code lag-charts.js}): which steps are sampled gates — lag gates, metric gates, and the
 * {@code dns-shift} steps with a metric guard — and what to say before a gate's first sample. The
 * template calls it as {@code @gateCharts}; the samples themselves come from the API and the event
 * stream, so rendering the page costs no query of them (only a page with a {@code dns-shift} reads
 * its pinned runbook, to know whether the shift is guarded).
 */
@Component("gateCharts")
public class GateChartPanel {

    static final Set<String> LAG_GATE_TYPES = Set.of("mysql-lag-gate", "mongo-lag-gate");
    static final String METRIC_GATE = "metric-gate";
    static final String DNS_SHIFT = "dns-shift";

    private final CutoverTransitions transitions;

    GateChartPanel(CutoverTransitions transitions) {
        this.transitions = transitions;
    }

    /** One sampled gate of the runbook, with the line shown until its first sample arrives. */
    public record SampledGate(String stepId, String type, String phase, String state, StateTone tone, String waitingText) {

        public String stateLabel() {
            return StateTone.label(state);
        }

        public String engine() {
            return type.startsWith("mongo") ? "member" : "replica";
        }

        /** {@code lag} or {@code metric}: which legend and which chart the gate's series get. */
        public String kind() {
            return LAG_GATE_TYPES.contains(type) ? "lag" : "metric";
        }
    }

    /** The page's sampled gates in runbook order; empty when the runbook has none (the panel is not shown). */
    public List<SampledGate> gates(CutoverPage page) {
        Set<String> guarded = guardedShifts(page);
        List<SampledGate> gates = new ArrayList<>();
        for (CutoverPage.PhaseRow phase : page.phases()) {
            for (CutoverPage.StepRow step : phase.steps()) {
                if (LAG_GATE_TYPES.contains(step.type()) || METRIC_GATE.equals(step.type())
                        || guarded.contains(step.id())) {
                    gates.add(new SampledGate(step.id(), step.type(), phase.name(), step.state(), step.tone(),
                            waitingText(step.state(), phase.name(), DNS_SHIFT.equals(step.type()))));
                }
            }
        }
        return gates;
    }

    /** Whether any gate of the list is of this kind: the legend explains only the marks the panel can show. */
    public boolean any(List<SampledGate> gates, String kind) {
        return gates.stream().anyMatch(gate -> gate.kind().equals(kind));
    }

    /** The {@code dns-shift} steps that name a {@code guard:}; read from the pinned runbook only when there is a shift. */
    private Set<String> guardedShifts(CutoverPage page) {
        boolean anyShift = page.phases().stream().flatMap(phase -> phase.steps().stream())
                .anyMatch(step -> DNS_SHIFT.equals(step.type()));
        if (!anyShift) {
            return Set.of();
        }
        Optional<Runbook> runbook = transitions.runbook(page.cutover().id());
        return runbook.map(r -> r.phases().stream().flatMap(phase -> phase.steps().stream())
                .filter(step -> DNS_SHIFT.equals(step.type()) && step.with().get("guard") != null)
                .map(RunbookStep::id).collect(java.util.stream.Collectors.toSet())).orElse(Set.of());
    }

    private static String waitingText(String state, String phase, boolean guard) {
        String what = guard ? "the guard" : "the gate";
        return switch (state == null ? "" : state) {
            case "PENDING" -> "No samples yet — " + what + " starts in phase " + phase + ".";
            case "RUNNING" -> "No samples yet — " + what + " is taking its first sample.";
            default -> "No samples were recorded for this " + (guard ? "guard" : "gate") + " (it is "
                    + StateTone.label(state) + ").";
        };
    }
}
