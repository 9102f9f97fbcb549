package dev.cutover.hooks;

import java.net.URISyntaxException;
import java.util.Optional;
import java.util.Locale;
import java.util.Set;
import java.util.ArrayList;
import dev.cutover.step.StepArgumentProblem;
import dev.cutover.step.DurationText;

import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepStoppedException;
import dev.cutover.step.StepType;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Probes an HTTP endpoint until it answers the expected status (and body text), retrying a given
 * number of times. Redirects are not followed, so {@code expectStatus: 301} can be checked too.
 */
@Component
public class HttpCheckStepType implements StepType {

    /** Changes nothing outside: after its instance died it may simply run again from the start. */
    @Override
    public boolean resumable() {
        return true;
    }

    private static final int BODY_READ_LIMIT = 1024 * 1024;
    private static final int BODY_EXCERPT = 300;
    /** Headers the JDK HTTP client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");

    @Override
    public String name() {
        return "http-check";
    }

    @Override
    public String description() {
        return "Calls a URL until it answers the expected status (and body text), retrying at an interval";
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(
                StepParameter.required("url", Kind.STRING, "the URL to call"),
                StepParameter.oneOf("method", false, "HTTP method (default GET)", "GET", "HEAD", "POST"),
                StepParameter.optional("expectStatus", Kind.INTEGER, "the status that means success (default 200)"),
                StepParameter.optional("bodyContains", Kind.STRING, "text the response body must contain"),
                StepParameter.optional("attempts", Kind.INTEGER, "how many calls before giving up (default 1)"),
                StepParameter.optional("interval", Kind.DURATION, "pause between attempts (default 5s)"),
                StepParameter.optional("requestTimeout", Kind.DURATION, "time limit of one call (default 10s)"),
                StepParameter.optional("headers", Kind.MAP, "request headers; values may be secret references"));
    }

    @Override
    public List<StepArgumentProblem> validate(StepArguments with, Duration stepTimeout) {
        List<StepArgumentProblem> problems = new ArrayList<>();
        with.string("url").filter(url -> !url.contains("${")).flatMap(HttpCheckStepType::urlProblem)
                .ifPresent(problem -> problems.add(StepArgumentProblem.at("url", problem)));
        if ("HEAD".equals(with.string("method").orElse("GET")) && with.string("bodyContains").isPresent()) {
            problems.add(StepArgumentProblem.at("bodyContains", "a HEAD answer has no body, so bodyContains can never "
                    + "match: use method GET, or remove bodyContains"));
        }
        with.integer("attempts").filter(attempts -> attempts < 1).ifPresent(attempts -> problems.add(
                StepArgumentProblem.at("attempts", "attempts must be at least 1, found " + attempts)));
        with.integer("expectStatus").filter(status -> status < 100 || status > 599).ifPresent(status -> problems.add(
                StepArgumentProblem.at("expectStatus", "expectStatus must be an HTTP status from 100 to 599, found " + status)));
        with.map("headers").keySet().stream().filter(name -> RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT)))
                .forEach(name -> problems.add(StepArgumentProblem.at("headers", "header " + name
                        + " is set by the HTTP client itself and cannot be given; remove it")));
        return problems;
    }

    private static Optional<String> urlProblem(String url) {
        try {
            URI uri = new URI(url);
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                return Optional.of("'" + url + "' is not an http:// or https:// URL with a host, e.g. https://orders.example.com/health");
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of("'" + url + "' is not a valid URL: " + e.getReason() + " at character " + (e.getIndex() + 1));
        }
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        StepArguments args = context.arguments();
        String url = args.requiredString("url");
        String method = args.string("method").orElse("GET");
        long expectStatus = args.integer("expectStatus").orElse(200L);
        String bodyContains = args.string("bodyContains").orElse(null);
        long attempts = Math.max(1, args.integer("attempts").orElse(1L));
        Duration interval = args.duration("interval").orElse(Duration.ofSeconds(5));
        Duration requestTimeout = args.duration("requestTimeout").orElse(Duration.ofSeconds(10));
        Duration stepTimeout = context.timeout();

        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(requestTimeout)
                    .method(method, HttpRequest.BodyPublishers.noBody());
            args.map("headers").forEach(request::header);
        } catch (IllegalArgumentException e) {
            throw new StepFailedException("http-check cannot call " + context.redact(url) + ": "
                    + context.redact(String.valueOf(e.getMessage())), Map.of("url", context.redact(url)));
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(requestTimeout).build();

        String expected = "status " + expectStatus
                + (bodyContains == null ? "" : " with a body containing '" + context.redact(bodyContains) + "'");
        long started = System.nanoTime();
        Seen seen = null;
        int attempt = 0;
        while (attempt < attempts) {
            if (context.stopRequested()) {
                throw new StepStoppedException("http-check stopped on request after " + attempt + " attempt(s)");
            }
            attempt++;
            seen = call(client, request.build(), method, requestTimeout);
            boolean ok = seen.status == expectStatus && (bodyContains == null || seen.body.contains(bodyContains));
            if (ok) {
                Map<String, Object> evidence = evidence(context, url, method, seen, attempt, false);
                return StepOutcome.succeeded(method + " " + context.redact(url) + " answered " + seen.status
                        + " after " + attempt + " attempt(s)", evidence);
            }
            if (attempt < attempts && !pause(context, interval, started, stepTimeout)) {
                break;
            }
        }
        String saw = seen.error != null ? seen.error
                : "status " + seen.status + (seen.status == expectStatus && bodyContains != null ? " without that text in the body" : "");
        throw new StepFailedException("http-check of " + method + " " + context.redact(url) + " expected " + expected
                + " but saw " + context.redact(saw) + " (attempt " + attempt + " of " + attempts
                + (attempt < attempts ? "; no time left for more within the step's timeout of " + DurationText.of(stepTimeout) : "")
                + ")",
                evidence(context, url, method, seen, attempt, true));
    }

    /** What one call saw: a status and body, or an error when no response came. */
    private record Seen(int status, String body, String error, long latencyMs) {
    }

    private static Seen call(HttpClient client, HttpRequest request, String method, Duration requestTimeout)
            throws InterruptedException {
        long start = System.nanoTime();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String body;
            try (InputStream in = response.body()) {
                body = "HEAD".equals(method) ? "" : new String(in.readNBytes(BODY_READ_LIMIT), StandardCharsets.UTF_8);
            }
            return new Seen(response.statusCode(), body, null, millisSince(start));
        } catch (HttpTimeoutException e) {
            return new Seen(-1, "", "no answer within " + DurationText.of(requestTimeout), millisSince(start));
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            return new Seen(-1, "", reason, millisSince(start));
        }
    }

    /** Sleeps one interval in small slices; false when the step's timeout would be spent. */
    private static boolean pause(StepContext context, Duration interval, long started, Duration stepTimeout)
            throws InterruptedException, StepStoppedException {
        long until = System.nanoTime() + interval.toNanos();
        if (stepTimeout != null && !stepTimeout.isZero() && until - started >= stepTimeout.toNanos()) {
            return false;
        }
        while (System.nanoTime() < until) {
            if (context.stopRequested()) {
                throw new StepStoppedException("http-check stopped on request between attempts");
            }
            Thread.sleep(Math.max(1, Math.min(200, (until - System.nanoTime()) / 1_000_000)));
        }
        return true;
    }

    private static Map<String, Object> evidence(StepContext context, String url, String method, Seen seen,
            int attempts, boolean failed) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("url", context.redact(url));
        evidence.put("method", method);
        if (seen.status >= 0) {
            evidence.put("status", seen.status);
        } else {
            evidence.put("error", context.redact(seen.error));
        }
        evidence.put("attempts", attempts);
        evidence.put("latencyMs", seen.latencyMs);
        if (failed && !seen.body.isEmpty()) {
            // Masked before it is cut, and a piece of a secret left at the cut is masked too.
            String body = context.redact(seen.body);
            String excerpt = body.length() > BODY_EXCERPT
                    ? context.redactExcerpt(body.substring(0, BODY_EXCERPT), false, true) + "…" : body;
            evidence.put("bodyExcerpt", excerpt);
        }
        return evidence;
    }

    private static long millisSince(long start) {
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }
}
