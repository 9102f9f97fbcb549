package dev.cutover.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlNamesTest {

    @Test
    void findsMetricsButNotFunctionsLabelsKeywordsOrNumbers() {
        assertThat(PromQlNames.of("sum by (cutover, step) (rate(cutover_sync_copied_bytes{cutover=~\"$cutover\"}[5m])) "
                + "/ on (cutover) group_left (runbook) max without (series) (cutover_gate_lag_seconds offset 5m) > 0.8 * 1e3"))
                .containsExactly("cutover_gate_lag_seconds", "cutover_sync_copied_bytes");
        assertThat(PromQlNames.of("up{job=\"cutover\"} == 0 and absent(foo_total) or vector(1)"))
                .containsExactly("foo_total", "up");
        assertThat(PromQlNames.of("cutover_step_running_seconds > 0.8 * cutover_step_timeout_seconds"))
                .containsExactly("cutover_step_running_seconds", "cutover_step_timeout_seconds");
        assertThat(PromQlNames.of("label_values(cutover_step_state, cutover)")).containsExactly("cutover_step_state");
        assertThat(PromQlNames.of("increase(cutover_notification_failures_total[10m]) > 0 unless bool x:recorded:rule"))
                .containsExactly("cutover_notification_failures_total", "x:recorded:rule");
    }
}
