package dev.cutover.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** The shipped Prometheus files are what promtool accepts, and the alert rules behave as their unit tests say. */
class DeployFilesTests {

    private static final Path PROMETHEUS = Paths.get("deploy/prometheus");

    @Test
    void scrapeConfigIsValid() {
        Promtool.Result result = Promtool.run(PROMETHEUS, "check", "config", "prometheus.yml");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: 1 rule files found");
    }

    @Test
    void alertRulesAreValid() {
        Promtool.Result result = Promtool.run(PROMETHEUS, "check", "rules", "alerts.yml");
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void alertRulesPassTheirUnitTests() {
        Promtool.Result result = Promtool.run(PROMETHEUS, "test", "rules", "alerts.test.yml");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }
}
