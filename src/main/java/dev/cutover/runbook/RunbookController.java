package dev.cutover.runbook;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Lists runbooks with their problems, shows one, reloads the directory, and validates a posted runbook. */
@RestController
@RequestMapping("/api/runbooks")
class RunbookController {

    /** Setting names whose literal values are masked in answers (references are shown as written). */
    private static final Pattern SECRET_SETTING = Pattern.compile("(?i).*(password|secret|token|credential|key).*");

    private final RunbookCatalog catalog;

    RunbookController(RunbookCatalog catalog) {
        this.catalog = catalog;
    }

    record RunbookSummary(String name, String description, String file, boolean valid, List<RunbookProblem> problems) {
    }

    /** {@code window} as the runbook writes it (e.g. {@code 6h}); null when it declares none. */
    record RunbookDetail(String name, String description, String file, boolean valid, List<RunbookProblem> problems,
                         String window, Map<String, Map<String, Map<String, String>>> environments,
                         List<RunbookPhase> phases) {
    }

    @GetMapping
    List<RunbookSummary> list() {
        return catalog.list().stream().map(RunbookController::summary).toList();
    }

    @GetMapping("/{name}")
    RunbookDetail get(@PathVariable String name) {
        RunbookEntry entry = catalog.find(name).orElseThrow(() -> notFound(name));
        Runbook runbook = entry.runbook();
        if (runbook == null) {
            return new RunbookDetail(entry.name(), entry.description(), entry.file(), false, entry.problems(), null,
                    Map.of(), List.of());
        }
        Map<String, Map<String, Map<String, String>>> environments = new LinkedHashMap<>();
        runbook.environments().forEach((envName, environment) -> {
            Map<String, Map<String, String>> connections = new LinkedHashMap<>();
            environment.connections().forEach((connName, connection) -> connections.put(connName, shown(connection)));
            environments.put(envName, connections);
        });
        return new RunbookDetail(entry.name(), entry.description(), entry.file(), entry.valid(), entry.problems(),
                runbook.window() == null ? null : Durations.format(runbook.window()), environments, runbook.phases());
    }

    /** Reads the runbook directory again, e.g. after a file was fixed; answers the new list. */
    @PostMapping("/reload")
    List<RunbookSummary> reload() {
        catalog.reload();
        return list();
    }

    @PostMapping(path = "/validate", consumes = { "application/yaml", "application/x-yaml", "text/yaml", "text/plain" })
    ResponseEntity<?> validate(@RequestBody String yaml,
                               @RequestHeader(name = "X-Runbook-File", defaultValue = "posted.yaml") String fileName) {
        List<RunbookProblem> problems = catalog.validate(fileName, yaml);
        if (problems.isEmpty()) {
            return ResponseEntity.ok(Map.of("valid", true));
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT,
                "The runbook has " + problems.size() + " problem(s); the first: " + problems.get(0));
        problem.setTitle("Invalid runbook");
        problem.setType(URI.create("about:blank"));
        problem.setProperty("valid", false);
        problem.setProperty("errors", problems);
        return ResponseEntity.unprocessableContent().body(problem);
    }

    private static RunbookSummary summary(RunbookEntry entry) {
        return new RunbookSummary(entry.name(), entry.description(), entry.file(), entry.valid(), entry.problems());
    }

    private static Map<String, String> shown(RunbookConnection connection) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("type", connection.type());
        connection.settings().forEach((key, value) -> settings.put(key,
                SECRET_SETTING.matcher(key).matches() && !SecretReferences.isReference(value) ? "******" : value));
        return settings;
    }

    private static ErrorResponseException notFound(String name) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No runbook named '" + name
                + "'; GET /api/runbooks lists them.");
        problem.setTitle("Runbook not found");
        return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
    }
}
