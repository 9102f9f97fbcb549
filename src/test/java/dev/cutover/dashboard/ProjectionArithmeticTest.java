package dev.cutover.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.cutover.CutoverView;
import dev.cutover.cutover.RehearsalForecast;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The projected end, the window budget's amber/red verdicts and the timeline's layout, without a service. */
class ProjectionArithmeticTest {

    private static final Instant START = Instant.parse("2026-12-02T01:00:00Z");
    private static final Instant NOW = START.plus(Duration.ofMinutes(72));

    private static CutoverView.StepView step(String id, String state, Instant started, Instant ended) {
        return new CutoverView.StepView(id, "wait", state, started, ended, "ops", null, started == null ? 0 : 1, Map.of());
    }

    private static CutoverView cutover(String state, List<CutoverView.PhaseView> phases) {
        return new CutoverView("c-1", "prod-move", "ab".repeat(32), "6h", "production", false, state, "sync", 7L,
                "operator", START, NOW, phases, List.of());
    }

    /** copy (done, 60 min), freeze (running for 12 min), then promote in a phase that is the point of no return. */
    private static CutoverView night() {
        return cutover("RUNNING", List.of(
                new CutoverView.PhaseView("sync", "RUNNING", false, List.of(
                        step("copy", "SUCCEEDED", START, START.plus(Duration.ofMinutes(60))),
                        step("freeze", "RUNNING", NOW.minus(Duration.ofMinutes(12)), null))),
                new CutoverView.PhaseView("switch", "PENDING", true, List.of(step("promote", "PENDING", null, null)))));
    }

    private static RehearsalForecast.Forecast forecast(double freezeP50, double freezeP90, double promoteP50,
                                                       double promoteP90) {
        List<RehearsalForecast.StepFigures> steps = List.of(
                new RehearsalForecast.StepFigures("sync", "copy", "wait", 3, 3000.0, 3600.0, 2900.0, 3700.0),
                new RehearsalForecast.StepFigures("sync", "freeze", "wait", 3, freezeP50, freezeP90, freezeP50, freezeP90),
                new RehearsalForecast.StepFigures("switch", "promote", "wait", 3, promoteP50, promoteP90, promoteP50,
                        promoteP90));
        return new RehearsalForecast.Forecast("prod-move", "production", 3, null, null, null, null, List.of(), steps,
                List.of(), "");
    }

    @Test
    void aRunningStepCountsOnlyWhatIsLeftOfItsForecastAndNeverLessThanZero() {
        // freeze: p50 20 min, p90 30 min, 12 min spent -> 8 and 18 left; promote 10 / 40 min in full
        CutoverPage.Projection projection = CutoverPages.projection(night(), forecast(1200, 1800, 600, 2400), NOW);

        assertThat(projection.remainingP50Seconds()).isEqualTo(18 * 60.0);
        assertThat(projection.remainingP90Seconds()).isEqualTo(58 * 60.0);
        assertThat(projection.p50End()).isEqualTo(NOW.plus(Duration.ofMinutes(18)));

        // freeze overran its p90 (10 min forecast, 12 spent): nothing left of it, not a negative time
        CutoverPage.Projection overran = CutoverPages.projection(night(), forecast(300, 600, 600, 600), NOW);
        assertThat(overran.remainingP50Seconds()).isEqualTo(600.0);
    }

    @Test
    void withoutAForecastTheProjectionSaysWhy() {
        CutoverPage.Projection none = CutoverPages.projection(night(), null, NOW);
        RehearsalForecast.Forecast partial = new RehearsalForecast.Forecast("prod-move", "production", 1, null, null,
                null, null, List.of(), List.of(new RehearsalForecast.StepFigures("sync", "freeze", "wait", 1, 60.0, 60.0,
                60.0, 60.0)), List.of(), "");

        assertThat(none.available()).isFalse();
        assertThat(none.basis()).contains("prod-move", "cannot be read");
        assertThat(CutoverPages.projection(night(), partial, NOW).basis()).isEqualTo("not rehearsed yet: promote");
        assertThat(CutoverPages.projection(cutover("COMPLETED", night().phases()), null, NOW))
                .as("nothing left to project").isNull();
    }

    @Test
    void theBudgetIsOkAmberWhenP90PassesTheWindowRedWhenP50OrTheElapsedTimeDoes() {
        Duration window = Duration.ofHours(2);
        Instant end = START.plus(window); // 03:00; now is 02:12

        WindowBudget ok = WindowBudget.of(window, START, NOW, end.minusSeconds(3600), end.minusSeconds(600));
        WindowBudget amber = WindowBudget.of(window, START, NOW, end.minusSeconds(60), end.plus(Duration.ofMinutes(25)));
        WindowBudget red = WindowBudget.of(window, START, NOW, end.plus(Duration.ofMinutes(5)), end.plusSeconds(3600));
        WindowBudget past = WindowBudget.of(Duration.ofHours(1), START, NOW, null, null);
        WindowBudget noForecast = WindowBudget.of(window, START, NOW, null, null);

        assertThat(ok.tone()).isEqualTo("ok");
        assertThat(ok.verdict()).isEqualTo("p90 ends 10 min before the window closes");
        assertThat(amber.tone()).isEqualTo("amber");
        assertThat(amber.verdict()).isEqualTo("p90 ends 25 min after the window");
        assertThat(red.tone()).isEqualTo("red");
        assertThat(red.verdict()).isEqualTo("p50 ends 5 min after the window");
        assertThat(past.tone()).isEqualTo("red");
        assertThat(past.verdict()).isEqualTo("elapsed time is 12 min past the window");
        assertThat(noForecast.tone()).isEqualTo("ok");
        assertThat(noForecast.verdict()).isNull();
        assertThat(noForecast.end()).isEqualTo(end);
        assertThat(noForecast.windowWords()).isEqualTo("2 h");
        assertThat(WindowBudget.of(null, START, NOW, null, null)).as("no window declared").isNull();
        assertThat(WindowBudget.of(window, null, NOW, null, null).end()).as("before the start: from now")
                .isEqualTo(NOW.plus(window));
    }

    @Test
    void theTimelineDrawsWhatRanAndLaysTheForecastAfterNowInRunbookOrder() {
        WindowBudget budget = WindowBudget.of(Duration.ofHours(6), START, NOW, null, null);
        Timeline timeline = Timeline.of(night(), CutoverPages.figures(forecast(1200, 1800, 600, 2400)), true, START, NOW,
                budget);

        Timeline.Row copy = row(timeline, "copy");
        Timeline.Row freeze = row(timeline, "freeze");
        Timeline.Row promote = row(timeline, "promote");
        assertThat(copy.bars()).extracting(Timeline.Bar::kind).containsExactly("actual");
        assertThat(copy.figure()).isEqualTo("succeeded after 1 h");
        assertThat(freeze.bars()).extracting(Timeline.Bar::kind).containsExactly("running", "p50", "p90");
        assertThat(freeze.figure()).isEqualTo("running for 12 min; left p50 8 min · p90 18 min");
        assertThat(promote.bars()).extracting(Timeline.Bar::kind).containsExactly("p50", "p90");
        assertThat(promote.figure()).isEqualTo("forecast p50 10 min · p90 40 min");
        // promote starts where freeze's p50 ends, after now
        Timeline.Bar freezeP50 = freeze.bars().get(1);
        assertThat(promote.bars().get(0).left()).isCloseTo(freezeP50.left() + freezeP50.width(), org.assertj.core.data.Offset.offset(0.02));
        assertThat(timeline.to()).as("the window's end is on the axis").isAfter(START.plus(Duration.ofHours(6)));
        Timeline.Marker now = marker(timeline, "now");
        Timeline.Marker pnr = marker(timeline, "pnr");
        Timeline.Marker window = marker(timeline, "window");
        assertThat(pnr.label()).isEqualTo("point of no return: after switch");
        assertThat(pnr.at()).as("the p50 end of the phase's last step").isEqualTo(NOW.plus(Duration.ofMinutes(18)));
        assertThat(now.left()).isLessThan(pnr.left());
        assertThat(window.label()).isEqualTo("window ends (6 h)");
        assertThat(timeline.ticks()).isNotEmpty().hasSizeLessThanOrEqualTo(8);
        assertThat(timeline.ticks()).allSatisfy(tick -> assertThat(tick.at().getEpochSecond() % 1800).isZero());
    }

    @Test
    void aRunningStepPastItsForecastIsSaidSoNotGivenZeroSecondsLeft() {
        // freeze has run 12 min: past a p50 of 10 min, p90 (15 min) in 3 min; past a p90 of 11 min
        Timeline pastP50 = Timeline.of(night(), CutoverPages.figures(forecast(600, 900, 600, 600)), true, START, NOW, null);
        Timeline pastP90 = Timeline.of(night(), CutoverPages.figures(forecast(600, 660, 600, 600)), true, START, NOW, null);

        assertThat(row(pastP50, "freeze").figure()).isEqualTo("running for 12 min; past its p50; p90 in 3 min");
        assertThat(row(pastP90, "freeze").figure()).isEqualTo("running for 12 min; past its p90 of 11 min");
    }

    @Test
    void anEndedCutoverHasNoForecastBarsAndAStepNeverRehearsedIsSaid() {
        Timeline ended = Timeline.of(cutover("COMPLETED", night().phases()), Map.of(), false, START, NOW, null);
        Timeline unrehearsed = Timeline.of(night(), Map.of(), true, START, NOW, null);

        assertThat(ended.rows()).flatExtracting(Timeline.Row::bars).extracting(Timeline.Bar::kind)
                .doesNotContain("p50", "p90");
        assertThat(ended.markers()).extracting(Timeline.Marker::kind).doesNotContain("now", "window");
        assertThat(unrehearsed.notes()).anySatisfy(note -> assertThat(note).contains("no step still to come was rehearsed",
                "freeze", "promote"));
        assertThat(unrehearsed.notes()).anySatisfy(note -> assertThat(note).contains("point of no return", "not placed"));
    }

    @Test
    void spansReadAsTheRoomSaysThem() {
        assertThat(Spans.words(Duration.ofSeconds(45))).isEqualTo("45 s");
        assertThat(Spans.words(Duration.ofMillis(300))).isEqualTo("under 1 s");
        assertThat(Spans.words(Duration.ZERO)).isEqualTo("0 s");
        assertThat(Spans.words(Duration.ofSeconds(200))).isEqualTo("3 min 20 s");
        assertThat(Spans.words(Duration.ofMinutes(25))).isEqualTo("25 min");
        assertThat(Spans.words(Duration.ofMinutes(72))).isEqualTo("1 h 12 min");
        assertThat(Spans.words(Duration.ofHours(6))).isEqualTo("6 h");
    }

    private static Timeline.Row row(Timeline timeline, String label) {
        return timeline.rows().stream().filter(row -> row.label().equals(label)).findFirst().orElseThrow();
    }

    private static Timeline.Marker marker(Timeline timeline, String kind) {
        return timeline.markers().stream().filter(m -> m.kind().equals(kind)).findFirst().orElseThrow();
    }
}
