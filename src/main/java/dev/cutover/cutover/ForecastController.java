package dev.cutover.cutover;

import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookCatalog;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/runbooks/{name}/forecast}: the expected cutover window from past rehearsals. */
@RestController
class ForecastController {

    private final RunbookCatalog runbooks;
    private final RehearsalForecast forecasts;

    ForecastController(RunbookCatalog runbooks, RehearsalForecast forecasts) {
        this.runbooks = runbooks;
        this.forecasts = forecasts;
    }

    /**
     * @param environment the environment rehearsed (may be left out when the runbook has only one)
     * @param window the cutover window to check the p90 total against, e.g. {@code 6h}
     */
    @GetMapping("/api/runbooks/{name}/forecast")
    RehearsalForecast.Forecast forecast(@PathVariable String name, @RequestParam(required = false) String environment,
                                        @RequestParam(required = false) String window) {
        Runbook runbook = runbooks.findValid(name).orElseThrow(() -> CutoverProblems.problem(HttpStatus.NOT_FOUND,
                "Runbook not found", "No valid runbook named '" + name + "'.", Map.of()));
        String env = environment;
        if (env == null) {
            if (runbook.environments().size() != 1) {
                throw CutoverProblems.badRequest("environment", "Say which environment to forecast: one of "
                        + new TreeSet<>(runbook.environments().keySet()) + ".");
            }
            env = runbook.environments().keySet().iterator().next();
        } else if (!runbook.environments().containsKey(env)) {
            throw CutoverProblems.badRequest("environment", "Runbook '" + name + "' has no environment '" + env
                    + "'; it has " + new TreeSet<>(runbook.environments().keySet()) + ".");
        }
        Duration windowDuration = null;
        if (window != null) {
            try {
                windowDuration = dev.cutover.runbook.Durations.parse(window);
            } catch (IllegalArgumentException e) {
                throw CutoverProblems.badRequest("window", "window '" + window + "' is not a duration such as 6h or 90m.");
            }
        }
        return forecasts.forecast(runbook, env, windowDuration);
    }
}
