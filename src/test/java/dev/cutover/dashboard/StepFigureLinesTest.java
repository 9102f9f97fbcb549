package dev.cutover.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.cutover.CutoverView;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A step row's figures: a sync's counts, rate and an ETA that says why when held; a gate's last sample. */
class StepFigureLinesTest {

    private static CutoverView.StepView step(String type, String state, Map<String, Object> figures) {
        return new CutoverView.StepView("final-sync", type, state, Instant.now().minusSeconds(60), null, "ops", null, 1,
                Map.of("progress", "sync run 3: ...", "figures", figures));
    }

    private static Map<String, Object> sync(long copiedBytes, long rate) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("syncRunId", 3);
        figures.put("kind", "sync");
        figures.put("copiedObjects", 1204);
        figures.put("plannedObjects", 5000);
        figures.put("copiedBytes", copiedBytes);
        figures.put("plannedBytes", 4L * 1024 * 1024 * 1024);
        figures.put("throughputBytesPerSecond", rate);
        return figures;
    }

    @Test
    void aRunningSyncShowsCountsRateAndAnEta() {
        StepFigureLines lines = StepFigureLines.of(step("storage-sync", "RUNNING", sync(1024L * 1024 * 1024, 10L * 1024 * 1024)),
                List.of());

        assertThat(lines.facts()).containsExactly("1,204 of 5,000 objects", "1.0 GiB of 4.0 GiB", "10.0 MiB/s");
        assertThat(lines.eta()).isEqualTo("ETA 5 min 7 s at the rate so far"); // 3 GiB at 10 MiB/s = 307 s
        assertThat(lines.etaHeld()).isFalse();
    }

    @Test
    void aHeldSyncSaysWhyInsteadOfAnEta() {
        Map<String, Object> figures = sync(0, 0);
        figures.put("heldBy", List.of("throttled by the store on a/b.jpg: attempt 3 of 6 in 800 ms"));

        StepFigureLines throttled = StepFigureLines.of(step("storage-sync", "RUNNING", figures),
                List.of("throttled by the store on a/b.jpg: attempt 3 of 6 in 800 ms"));
        StepFigureLines noBytes = StepFigureLines.of(step("storage-sync", "RUNNING", sync(0, 0)), List.of());
        StepFigureLines paused = StepFigureLines.of(step("storage-sync", "STOPPED", sync(10, 1)), List.of());

        assertThat(throttled.eta()).isEqualTo("ETA held: throttled by the store on a/b.jpg: attempt 3 of 6 in 800 ms");
        assertThat(throttled.etaHeld()).isTrue();
        assertThat(throttled.heldBy()).as("said once, in the ETA").isEmpty();
        assertThat(noBytes.eta()).isEqualTo("no ETA yet: no bytes copied so far");
        assertThat(paused.eta()).contains("paused", "last checkpoint");
        assertThat(List.of(throttled.eta(), noBytes.eta(), paused.eta())).noneMatch(eta -> eta.contains("N/A"));
    }

    @Test
    void aClosedGateShowsItsLastSampleAndThatItHoldsTheGate() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("lagSeconds", 12);
        figures.put("consecutive", 0);
        figures.put("required", 3);
        figures.put("sample", "replica lag 12 s > 5 s");
        figures.put("verdict", "outside");

        StepFigureLines closed = StepFigureLines.of(step("mysql-lag-gate", "RUNNING", figures), List.of());
        StepFigureLines reported = StepFigureLines.of(step("cutover-readiness", "RUNNING", figures),
                List.of("storage backlog: 12 objects"));

        assertThat(closed.facts()).containsExactly("last sample: replica lag 12 s > 5 s", "0 of 3 samples in a row within bounds");
        assertThat(closed.heldBy()).containsExactly("replica lag 12 s > 5 s");
        assertThat(reported.heldBy()).as("what the gate says holds it wins").containsExactly("storage backlog: 12 objects");
    }
}
