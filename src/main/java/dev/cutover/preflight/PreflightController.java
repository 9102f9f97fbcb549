package dev.cutover.preflight;

import dev.cutover.runbook.Durations;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookCatalog;
import dev.cutover.runbook.RunbookEntry;
import dev.cutover.runbook.RunbookEnvironment;
import java.net.URI;
import java.time.Duration;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/runbooks/{name}/preflight?environment=...} runs the read-only checks of every
 * connection the runbook's steps use in that environment and answers the table (stored, also at
 * {@code GET /api/runbooks/{name}/preflight/{id}}). A failed check is an answer, not an error:
 * the status is 201 whatever the table says; its {@code failed} count is the verdict.
 */
@RestController
@RequestMapping("/api/runbooks/{name}/preflight")
class PreflightController {

    private static final Duration LONGEST_TIMEOUT = Duration.ofMinutes(1);

    private final RunbookCatalog runbooks;
    private final Preflights preflights;

    PreflightController(RunbookCatalog runbooks, Preflights preflights) {
        this.runbooks = runbooks;
        this.preflights = preflights;
    }

    @PostMapping
    ResponseEntity<PreflightReport> run(@PathVariable String name,
                                        @RequestParam(required = false) String environment,
                                        @RequestParam(required = false) String timeout) {
        Runbook runbook = runbook(name);
        RunbookEnvironment chosen = environment(runbook, environment);
        PreflightReport report = preflights.run(runbook, chosen, timeout(timeout));
        return ResponseEntity.created(URI.create("/api/runbooks/" + name + "/preflight/" + report.id())).body(report);
    }

    @GetMapping("/{id}")
    PreflightReport find(@PathVariable String name, @PathVariable String id) {
        return preflights.find(name, id).orElseThrow(() -> problem(HttpStatus.NOT_FOUND, "Preflight not found",
                "No preflight '" + id + "' of runbook '" + name + "'; POST /api/runbooks/" + name
                        + "/preflight?environment=... runs one and answers its id."));
    }

    private Runbook runbook(String name) {
        RunbookEntry entry = runbooks.find(name).orElseThrow(() -> problem(HttpStatus.NOT_FOUND, "Runbook not found",
                "No runbook named '" + name + "'; the runbooks are: " + runbooks.list().stream().map(RunbookEntry::name)
                        .collect(Collectors.joining(", ")) + "."));
        return entry.validRunbook().orElseThrow(() -> problem(HttpStatus.UNPROCESSABLE_CONTENT, "Runbook is invalid",
                "Runbook '" + name + "' is invalid (" + entry.problems().get(0) + "); fix it first: GET /api/runbooks/"
                        + name + " lists its problems."));
    }

    private static RunbookEnvironment environment(Runbook runbook, String environment) {
        String known = String.join(", ", new TreeSet<>(runbook.environments().keySet()));
        if (environment == null || environment.isBlank()) {
            throw problem(HttpStatus.BAD_REQUEST, "Environment missing", "Say which environment to check: ?environment="
                    + "one of " + known + ".");
        }
        RunbookEnvironment found = runbook.environments().get(environment);
        if (found == null) {
            throw problem(HttpStatus.NOT_FOUND, "Environment not found", "Runbook '" + runbook.name()
                    + "' has no environment '" + environment + "'; it has: " + known + ".");
        }
        return found;
    }

    private Duration timeout(String text) {
        if (text == null || text.isBlank()) {
            return preflights.defaultTimeout();
        }
        Duration timeout;
        try {
            timeout = Durations.parse(text);
        } catch (RuntimeException unreadable) {
            throw problem(HttpStatus.BAD_REQUEST, "Bad timeout", "timeout '" + text + "' is not a duration; write e.g. 5s or 500ms.");
        }
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(LONGEST_TIMEOUT) > 0) {
            throw problem(HttpStatus.BAD_REQUEST, "Bad timeout", "timeout must be more than 0 and at most 1m per check, not " + text + ".");
        }
        return timeout;
    }

    private static ErrorResponseException problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return new ErrorResponseException(status, problem, null);
    }
}
