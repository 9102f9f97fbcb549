package dev.cutover.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.cutover.ActiveCutovers;
import dev.cutover.cutover.CutoverView;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookPhase;
import dev.cutover.runbook.RunbookStep;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WarRoomFiguresTest {

    private static final Instant NOW = Instant.parse("2026-12-02T02:00:00Z");

    @Test
    void aRunningSyncHasProgressThroughputAndAnEta() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("copiedObjects", 10);
        figures.put("plannedObjects", 40);
        figures.put("copiedBytes", 1_000);
        figures.put("plannedBytes", 5_000);
        figures.put("throughputBytesPerSecond", 100);
        List<Figure> out = WarRoomFigures.of(List.of(active("c1", "RUNNING",
                step("sync", "storage-sync", "RUNNING", NOW.minusSeconds(30), Map.of("figures", figures)))), List.of(),
                Map.of("c1", Map.of("sync", 25.0)), NOW);

        assertThat(value(out, WarRoomFigures.SYNC_COPIED_OBJECTS, "sync")).isEqualTo(10);
        assertThat(value(out, WarRoomFigures.STEP_FORECAST_P90, "sync")).isEqualTo(25);
        assertThat(value(out, WarRoomFigures.SYNC_PLANNED_BYTES, "sync")).isEqualTo(5_000);
        assertThat(value(out, WarRoomFigures.SYNC_THROUGHPUT, "sync")).isEqualTo(100);
        assertThat(value(out, WarRoomFigures.SYNC_ETA, "sync")).isEqualTo(40);
        assertThat(value(out, WarRoomFigures.STEP_RUNNING, "sync")).isEqualTo(30);
        assertThat(value(out, WarRoomFigures.STEP_TIMEOUT, "sync")).isEqualTo(3600);
    }

    @Test
    void aThrottledSyncHasNoEtaRatherThanAMadeUpOne() {
        Map<String, Object> figures = new LinkedHashMap<>(Map.of("copiedObjects", 1, "plannedObjects", 4,
                "copiedBytes", 10, "plannedBytes", 40, "throughputBytesPerSecond", 5));
        figures.put("heldBy", List.of("throttled by the store"));
        List<Figure> out = WarRoomFigures.of(List.of(active("c1", "RUNNING",
                step("sync", "storage-sync", "RUNNING", NOW, Map.of("figures", figures)))), List.of(), NOW);

        assertThat(out).noneMatch(figure -> figure.metric().equals(WarRoomFigures.SYNC_ETA));
        assertThat(value(out, WarRoomFigures.SYNC_COPIED_BYTES, "sync")).isEqualTo(10);
    }

    @Test
    void gatesApprovalsStatesAndRollback() {
        Map<String, Object> gate = Map.of("figures", Map.of("verdict", "hold", "values",
                Map.of("error-rate", 0.002, "latency", "no data")));
        Map<String, Object> lag = Map.of("figures", Map.of("verdict", "broken", "consecutive", 0, "required", 3));
        List<Figure> out = WarRoomFigures.of(List.of(active("c1", "ROLLING_BACK",
                        step("traffic", "metric-gate", "RUNNING", NOW.minusSeconds(5), gate),
                        step("lag", "mysql-lag-gate", "RUNNING", NOW.minusSeconds(5), lag),
                        step("go", "manual", "AWAITING_APPROVAL", NOW.minusSeconds(600), Map.of()),
                        step("later", "manual", "PENDING", null, Map.of()))),
                List.of(new WarRoomFigures.LagReading("c1", "lag", "replica-1", 2_500L, 1_000),
                        new WarRoomFigures.LagReading("over", "lag", "replica-1", 1L, 1_000)), NOW);

        assertThat(tag(out, WarRoomFigures.GATE_STATE, "traffic", "state")).isEqualTo("holding");
        assertThat(tag(out, WarRoomFigures.GATE_STATE, "lag", "state")).isEqualTo("failing");
        assertThat(out).filteredOn(f -> f.metric().equals(WarRoomFigures.GATE_QUERY_VALUE))
                .singleElement().satisfies(f -> {
                    assertThat(f.tags().stream()).anyMatch(t -> t.getKey().equals("query") && t.getValue().equals("error-rate"));
                    assertThat(f.value()).isEqualTo(0.002);
                });
        assertThat(value(out, WarRoomFigures.GATE_LAG, "lag")).isEqualTo(2.5);
        assertThat(out).filteredOn(f -> f.metric().equals(WarRoomFigures.GATE_LAG)).hasSize(1); // not the cutover that is over
        assertThat(single(out, WarRoomFigures.APPROVALS_WAITING).value()).isEqualTo(1);
        assertThat(single(out, WarRoomFigures.APPROVAL_OLDEST).value()).isEqualTo(600);
        assertThat(single(out, WarRoomFigures.ROLLBACK_IN_PROGRESS).value()).isEqualTo(1);
        assertThat(tag(out, WarRoomFigures.STEP_STATE, "later", "state")).isEqualTo("PENDING");
        assertThat(out).noneMatch(f -> f.metric().equals(WarRoomFigures.STEP_RUNNING) && hasStep(f, "later"));
        assertThat(out).allMatch(f -> WarRoomFigures.HELP.containsKey(f.metric()));
    }

    @Test
    void noCutoversNoFigures() {
        assertThat(WarRoomFigures.of(List.of(), List.of(new WarRoomFigures.LagReading("c1", "lag", "r", 1L, 1)), NOW))
                .isEmpty();
    }

    private static ActiveCutovers.Active active(String id, String state, CutoverView.StepView... steps) {
        CutoverView view = new CutoverView(id, "night", null, null, "local", true, state, "p", null, "operator", NOW, NOW,
                List.of(new CutoverView.PhaseView("p", "RUNNING", false, List.of(steps))), List.of());
        List<RunbookStep> definitions = java.util.Arrays.stream(steps).map(step -> new RunbookStep(step.id(), step.type(),
                null, null, Duration.ofHours(1), 0, Map.of(), null)).toList();
        Runbook runbook = new Runbook("night", null, "night.yaml", null, Map.of(), List.of(new RunbookPhase("p", null, false,
                definitions)), null);
        return new ActiveCutovers.Active(view, Optional.of(runbook));
    }

    private static CutoverView.StepView step(String id, String type, String state, Instant startedAt,
                                             Map<String, Object> output) {
        return new CutoverView.StepView(id, type, state, startedAt, null, "owner", null, 1, output);
    }

    private static double value(List<Figure> figures, String metric, String step) {
        return figures.stream().filter(f -> f.metric().equals(metric) && hasStep(f, step)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + metric + " for " + step + " in " + figures)).value();
    }

    private static String tag(List<Figure> figures, String metric, String step, String key) {
        return figures.stream().filter(f -> f.metric().equals(metric) && hasStep(f, step)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + metric + " for " + step)).tags().stream()
                .filter(t -> t.getKey().equals(key)).findFirst().orElseThrow().getValue();
    }

    private static Figure single(List<Figure> figures, String metric) {
        return figures.stream().filter(f -> f.metric().equals(metric)).reduce((a, b) -> {
            throw new AssertionError("several " + metric);
        }).orElseThrow(() -> new AssertionError("no " + metric));
    }

    private static boolean hasStep(Figure figure, String step) {
        return figure.tags().stream().anyMatch(t -> t.getKey().equals("step") && t.getValue().equals(step));
    }
}
