package dev.cutover.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.cutover.CutoverView;
import dev.cutover.cutover.RehearsalForecast;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The projected end and the timeline count a parallel group as its longest step, its bars side by side. */
class ParallelGroupProjectionTest {

    private static final Instant NOW = Instant.parse("2026-12-02T01:00:00Z");

    private static CutoverView.StepView pending(String id, String group) {
        return new CutoverView.StepView(id, "wait", "PENDING", null, null, "ops", null, 0, Map.of(), group);
    }

    private static final CutoverView NIGHT = new CutoverView("c-1", "move", "ab".repeat(32), "1h", "production", false,
            "READY", null, null, "operator", NOW, NOW, List.of(new CutoverView.PhaseView("window", "PENDING", true, List.of(
            pending("freeze", null), pending("verify-orders", "checks"), pending("verify-catalog", "checks"),
            pending("final-sync", "checks"), pending("promote", null)))), List.of());

    private static RehearsalForecast.StepFigures figures(String id, double p50, double p90) {
        return new RehearsalForecast.StepFigures("window", id, "wait", 2, p50, p90, p50, p90);
    }

    private static final RehearsalForecast.Forecast FORECAST = new RehearsalForecast.Forecast("move", "production", 2, null,
            null, null, null, List.of(), List.of(figures("freeze", 10, 20), figures("verify-orders", 60, 70),
            figures("verify-catalog", 40, 90), figures("final-sync", 30, 30), figures("promote", 5, 5)), List.of(), "");

    @Test
    void theProjectionCountsTheGroupOnceAsItsLongestStep() {
        CutoverPage.Projection projection = CutoverPages.projection(NIGHT, FORECAST, NOW);
        assertThat(projection.remainingP50Seconds()).isEqualTo(10 + 60 + 5.0);
        assertThat(projection.remainingP90Seconds()).as("the longest p90 of the group").isEqualTo(20 + 90 + 5.0);
    }

    @Test
    void theTimelineDrawsTheGroupsForecastBarsFromOneStart() {
        Timeline timeline = Timeline.of(NIGHT, CutoverPages.figures(FORECAST), true, null, NOW, null);
        double groupStart = p50(timeline, "verify-orders").left();
        for (String sibling : List.of("verify-catalog", "final-sync")) {
            assertThat(p50(timeline, sibling).left()).as(sibling).isCloseTo(groupStart, Offset.offset(0.001));
        }
        Timeline.Bar freeze = p50(timeline, "freeze");
        assertThat(groupStart).isCloseTo(freeze.left() + freeze.width(), Offset.offset(0.001));
        Timeline.Bar longest = p50(timeline, "verify-orders");
        assertThat(p50(timeline, "promote").left()).as("after the longest p50 of the group")
                .isCloseTo(longest.left() + longest.width(), Offset.offset(0.001));
        assertThat(Duration.between(timeline.from(), timeline.to()).toSeconds()).isLessThan(10 + 90 + 5 + 10);
    }

    private static Timeline.Bar p50(Timeline timeline, String step) {
        return timeline.rows().stream().filter(row -> row.label().equals(step)).findFirst().orElseThrow().bars().stream()
                .filter(bar -> bar.kind().equals("p50")).findFirst().orElseThrow();
    }
}
