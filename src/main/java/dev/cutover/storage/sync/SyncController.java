package dev.cutover.storage.sync;

import dev.cutover.DaemonThreads;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookCatalog;
import dev.cutover.runbook.RunbookStep;
import dev.cutover.storage.ObjectStores;
import dev.cutover.storage.SyncMode;
import dev.cutover.storage.SyncRun;
import dev.cutover.storage.SyncSpec;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sync runs over REST: start a sync or a verification of a runbook step's bucket mapping, watch
 * its progress (objects and bytes done of total, throughput, ETA), download its mismatch report.
 */
@RestController
@RequestMapping("/api/syncs")
class SyncController {

    private final SyncLauncher syncs;
    private final SyncRunRepository runs;
    private final SyncProgress progress;
    private final RunbookCatalog runbooks;
    private final JsonMapper json;
    private final SyncForecast forecast;
    private final SyncSchedules schedules;
    private final ObjectStores stores;
    /** Sends the progress events of every open stream; one thread is plenty for a few screens. */
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("sync-progress-events"));

    SyncController(SyncLauncher syncs, SyncRunRepository runs, SyncProgress progress, RunbookCatalog runbooks,
                   JsonMapper json, SyncForecast forecast, SyncSchedules schedules, ObjectStores stores) {
        this.stores = stores;
        this.forecast = forecast;
        this.schedules = schedules;
        this.syncs = syncs;
        this.runs = runs;
        this.progress = progress;
        this.runbooks = runbooks;
        this.json = json;
    }

    /** Which runbook step's bucket mapping to use, in which environment; {@code mode} overrides the step's. */
    record SyncRequest(@NotBlank String runbook, @NotBlank String environment, @NotBlank String step, String mode) {
    }

    record Progress(long objectsDone, long objectsTotal, long bytesDone, long bytesTotal, long throughputBytesPerSecond,
                    Long etaSeconds) {
    }

    record SyncView(SyncRun run, Progress progress, List<Map<String, String>> failures) {
    }

    @GetMapping
    List<SyncView> list() {
        return runs.recent(100).stream().map(run -> view(run, 0)).toList();
    }

    @GetMapping("/{id}")
    SyncView get(@PathVariable long id) {
        return view(require(id), 50);
    }

    @PostMapping
    ResponseEntity<SyncView> start(@Valid @RequestBody SyncRequest request, Authentication user) {
        return started(SyncRun.Kind.SYNC, request, user);
    }

    @PostMapping("/verify")
    ResponseEntity<SyncView> verify(@Valid @RequestBody SyncRequest request, Authentication user) {
        return started(SyncRun.Kind.VERIFY, request, user);
    }

    /**
     * Server-sent progress of one run: a {@code progress} event with the run and its figures every
     * second while it runs, and a last one when it has ended.
     */
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@PathVariable long id) {
        require(id);
        return SyncEventStream.open(ticker, () -> view(require(id), 0));
    }

    /** A dry run: what the step's sync would transfer, the egress cost, and auto-expiring source buckets. */
    @PostMapping("/plan")
    SyncForecast.Plan plan(@Valid @RequestBody SyncRequest request) {
        SyncSpec spec = spec(SyncRun.Kind.SYNC, request);
        try (SyncStores open = open(spec, request)) {
            preflight(spec, open);
            return forecast.plan(spec, open);
        }
    }

    /** The scheduled delta syncs of one cutover: cron, state, next fire time, last run. */
    @GetMapping("/schedules/{cutoverId}")
    List<Map<String, Object>> schedules(@PathVariable String cutoverId) {
        if (!schedules.knowsCutover(cutoverId)) {
            throw problem(HttpStatus.NOT_FOUND, "No cutover with id '" + cutoverId + "'; GET /api/cutovers lists them.");
        }
        return schedules.schedules(cutoverId);
    }

    @GetMapping("/{id}/report.json")
    void reportJson(@PathVariable long id, HttpServletResponse response) throws IOException {
        require(id);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        PrintWriter out = response.getWriter();
        out.print("{\"runId\":" + id + ",\"prefixes\":" + json.writeValueAsString(runs.prefixCounts(id))
                + ",\"mismatches\":[");
        boolean[] first = { true };
        runs.mismatches(id, mismatch -> {
            out.print((first[0] ? "" : ",") + json.writeValueAsString(mismatch));
            first[0] = false;
        });
        out.print("]}");
    }

    @GetMapping("/{id}/report.csv")
    void reportCsv(@PathVariable long id, HttpServletResponse response) throws IOException {
        require(id);
        response.setContentType("text/csv");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Content-Disposition", "attachment; filename=\"sync-" + id + "-mismatches.csv\"");
        PrintWriter out = response.getWriter();
        out.println("key,kind,source_size,target_size,source_crc32c,target_crc32c");
        runs.mismatches(id, m -> out.println(String.join(",", csv(m.key()), m.kind(), csv(m.sourceSize()),
                csv(m.targetSize()), csv(m.sourceCrc32c()), csv(m.targetCrc32c()))));
    }

    private ResponseEntity<SyncView> started(SyncRun.Kind kind, SyncRequest request, Authentication user) {
        SyncSpec spec = spec(kind, request);
        SyncStores open = open(spec, request);
        try {
            preflight(spec, open);
        } catch (RuntimeException failure) {
            open.close();
            throw failure;
        }
        long id;
        try {
            id = syncs.start(kind, spec, open, null, null, user.getName());
        } catch (SyncRunRepository.AlreadyRunning running) {
            ErrorResponseException problem = problem(HttpStatus.CONFLICT, capitalized(running.getMessage()) + ".");
            problem.getBody().setTitle("Already running");
            if (running.runId() != null) {
                problem.getBody().setProperty("runId", running.runId());
                problem.getHeaders().setLocation(URI.create("/api/syncs/" + running.runId()));
            }
            throw problem;
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create("/api/syncs/" + id))
                .body(view(require(id), 0));
    }

    private SyncSpec spec(SyncRun.Kind kind, SyncRequest request) {
        Runbook runbook = runbooks.findValid(request.runbook()).orElseThrow(() -> problem(HttpStatus.NOT_FOUND,
                "No valid runbook named '" + request.runbook() + "'."));
        if (!runbook.environments().containsKey(request.environment())) {
            throw problem(HttpStatus.UNPROCESSABLE_CONTENT, "Runbook '" + request.runbook() + "' has no environment '"
                    + request.environment() + "'.");
        }
        RunbookStep step = runbook.step(request.step()).orElseThrow(() -> problem(HttpStatus.NOT_FOUND,
                "Runbook '" + request.runbook() + "' has no step '" + request.step() + "'."));
        if (!step.type().startsWith("storage-")) {
            throw problem(HttpStatus.UNPROCESSABLE_CONTENT, "Step '" + step.id() + "' is a " + step.type()
                    + " step; name a storage-sync or storage-verify step.");
        }
        SyncMode mode;
        try {
            mode = request.mode() == null ? null : SyncMode.parse(request.mode());
        } catch (IllegalArgumentException e) {
            throw problem(HttpStatus.BAD_REQUEST, "mode must be full, delta or final, was '" + request.mode() + "'.");
        }
        return SyncSpecs.of(runbook.name(), request.environment(), SyncSpecs.arguments(step.with()), kind, mode);
    }

    /**
     * A store that cannot be used answers before anything starts: 502 when the store failed us
     * (unreachable, unknown host, access denied: the request was right, the store did not serve
     * it), 422 when the runbook names a bucket that does not exist (the runbook needs a fix).
     */
    private void preflight(SyncSpec spec, SyncStores open) {
        try {
            SyncPreflight.check(spec, open);
        } catch (StoreProblem.Unusable unusable) {
            StoreProblem store = unusable.problem();
            HttpStatus status = store.namesSomethingMissing() ? HttpStatus.UNPROCESSABLE_CONTENT : HttpStatus.BAD_GATEWAY;
            ErrorResponseException problem = problem(status, store.detail() + " " + store.check());
            problem.getBody().setTitle(store.namesSomethingMissing() ? "No such bucket" : "Store unavailable");
            problem.getBody().setProperty("connection", store.connection());
            problem.getBody().setProperty("failure", store.failure());
            problem.getBody().setProperty("check", store.check());
            throw problem;
        }
    }

    /** The standalone API names a runbook, not a cutover: its stores come from the runbook catalog as it is now. */
    private SyncStores open(SyncSpec spec, SyncRequest request) {
        Runbook runbook = runbooks.findValid(request.runbook()).orElseThrow();
        try {
            return SyncStores.open(stores, spec, RunbookConnections.of(runbook, request.environment()));
        } catch (IllegalArgumentException badSettings) {
            throw problem(HttpStatus.UNPROCESSABLE_CONTENT, StoreProblem.plain(badSettings) + ".");
        }
    }

    private SyncView view(SyncRun run, int failures) {
        long bytesDone = run.copiedBytes() + (run.running() ? progress.inFlightBytes(run.id()) : 0);
        long objectsTotal = run.plannedObjects();
        long throughput = Math.round(run.throughput(bytesDone));
        Long eta = !run.running() ? Long.valueOf(0) : throughput <= 0 || run.plannedBytes() == 0 ? null
                : Math.max(0, (run.plannedBytes() - bytesDone) / throughput);
        List<Map<String, String>> failed = runs.failures(run.id(), failures).stream().map(f -> {
            Map<String, String> failure = new LinkedHashMap<>();
            failure.put("key", f[0]);
            failure.put("reason", f[1]);
            return failure;
        }).toList();
        return new SyncView(run, new Progress(run.copiedObjects() + run.failedObjects(), objectsTotal, bytesDone,
                run.plannedBytes(), throughput, eta), failed);
    }

    private SyncRun require(long id) {
        return runs.find(id).orElseThrow(() -> problem(HttpStatus.NOT_FOUND, "No sync run with id " + id + "."));
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String csv(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        return text.matches("[^,\"\\r\\n]*") ? text : "\"" + text.replace("\"", "\"\"") + "\"";
    }

    private static ErrorResponseException problem(HttpStatus status, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setTitle(status.getReasonPhrase());
        return new ErrorResponseException(status, body, null);
    }
}
