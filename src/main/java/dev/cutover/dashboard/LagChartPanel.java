package dev.cutover.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The "Replication lag" panel of a cutover's page ({@code lag-charts.html}, drawn by
 * {@code lag-charts.js}): which steps are lag gates, and what to say before a gate's first sample.
 * The template calls it as {@code @lagCharts}; the samples themselves come from the API and the
 * event stream, so rendering the page costs no query.
 */
@Component("lagCharts")
public class LagChartPanel {

    static final Set<String> LAG_GATE_TYPES = Set.of("mysql-lag-gate", "mongo-lag-gate");

    /** One lag gate of the runbook, with the line shown until its first sample arrives. */
    public record LagGate(String stepId, String type, String phase, String state, StateTone tone, String waitingText) {

        public String stateLabel() {
            return StateTone.label(state);
        }

        public String engine() {
            return type.startsWith("mongo") ? "member" : "replica";
        }
    }

    /** The page's lag gates in runbook order; empty when the runbook has none (the panel is not shown). */
    public List<LagGate> gates(CutoverPage page) {
        List<LagGate> gates = new ArrayList<>();
        for (CutoverPage.PhaseRow phase : page.phases()) {
            for (CutoverPage.StepRow step : phase.steps()) {
                if (LAG_GATE_TYPES.contains(step.type())) {
                    gates.add(new LagGate(step.id(), step.type(), phase.name(), step.state(), step.tone(),
                            waitingText(step.state(), phase.name())));
                }
            }
        }
        return gates;
    }

    private static String waitingText(String state, String phase) {
        return switch (state == null ? "" : state) {
            case "PENDING" -> "No samples yet — the gate starts in phase " + phase + ".";
            case "RUNNING" -> "No samples yet — the gate is taking its first sample.";
            default -> "No samples were recorded for this gate (it is " + StateTone.label(state) + ").";
        };
    }
}
