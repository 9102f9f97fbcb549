package dev.cutover.hooks;

import dev.cutover.testsupport.RecordingStepContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepStoppedException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class HttpCheckStepTypeTest {

    private final HttpCheckStepType httpCheck = new HttpCheckStepType();
    private final AtomicInteger flakyCalls = new AtomicInteger();
    private final List<String> authorizationsSeen = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private String base;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health", exchange -> answer(exchange, 200, "{\"status\":\"ready\"}"));
        server.createContext("/flaky", exchange ->
                answer(exchange, flakyCalls.incrementAndGet() <= 2 ? 503 : 200, "warming up " + flakyCalls.get()));
        server.createContext("/missing", exchange -> answer(exchange, 404, "no such page"));
        server.createContext("/secure", exchange -> {
            String token = exchange.getRequestHeaders().getFirst("Authorization");
            if ("Bearer t0ken-xyz".equals(token)) {
                answer(exchange, 200, "welcome");
            } else {
                answer(exchange, 401, "bad token " + token);
            }
        });
        server.createContext("/recorded", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizationsSeen.add(String.valueOf(authorization));
            answer(exchange, 403, "forbidden for " + authorization);
        });
        server.createContext("/reflect", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            int at = Integer.parseInt(exchange.getRequestURI().getQuery().substring("at=".length()));
            answer(exchange, 500, "x".repeat(at) + authorization + "y".repeat(500));
        });
        server.createContext("/method", exchange -> answer(exchange, 200, "method " + exchange.getRequestMethod()));
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, "late");
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void succeedsOnTheExpectedStatusWithTheExpectedBody() throws Exception {
        var context = new RecordingStepContext(Map.of("url", base + "/health", "bodyContains", "ready"));

        StepOutcome outcome = httpCheck.execute(context);

        assertThat(outcome.evidence())
                .containsEntry("url", base + "/health")
                .containsEntry("status", 200)
                .containsEntry("attempts", 1)
                .containsKey("latencyMs")
                .doesNotContainKey("bodyExcerpt");
    }

    @Test
    void retriesUntilTheServiceAnswers() throws Exception {
        var context = new RecordingStepContext(Map.of("url", base + "/flaky", "attempts", "5", "interval", "50ms"));

        StepOutcome outcome = httpCheck.execute(context);

        assertThat(outcome.evidence()).containsEntry("status", 200).containsEntry("attempts", 3);
        assertThat(flakyCalls).hasValue(3);
    }

    @Test
    void failsWhenAttemptsRunOutSayingWhatWasExpectedAndSeen() {
        var context = new RecordingStepContext(Map.of("url", base + "/flaky", "attempts", "2", "interval", "50ms"));

        StepFailedException failure = catchThrowableOfType(() -> httpCheck.execute(context), StepFailedException.class);

        assertThat(failure).hasMessage("http-check of GET " + base + "/flaky expected status 200 but saw status 503 (attempt 2 of 2)");
        assertThat(failure.evidence()).containsEntry("status", 503).containsEntry("attempts", 2)
                .containsEntry("bodyExcerpt", "warming up 2");
    }

    @Test
    void wrongStatusFailsWithAClearMessage() {
        var context = new RecordingStepContext(Map.of("url", base + "/missing"));

        StepFailedException failure = catchThrowableOfType(() -> httpCheck.execute(context), StepFailedException.class);

        assertThat(failure).hasMessage("http-check of GET " + base + "/missing expected status 200 but saw status 404 (attempt 1 of 1)");
        assertThat(failure.evidence()).containsEntry("status", 404).containsEntry("bodyExcerpt", "no such page");
    }

    @Test
    void missingBodyTextFailsEvenOnTheRightStatus() {
        var context = new RecordingStepContext(Map.of("url", base + "/health", "bodyContains", "degraded"));

        assertThatThrownBy(() -> httpCheck.execute(context))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("http-check of GET " + base + "/health expected status 200 with a body containing 'degraded'"
                        + " but saw status 200 without that text in the body (attempt 1 of 1)");
    }

    @Test
    void sendsSecretHeadersAndKeepsThemOutOfTheEvidence() throws Exception {
        var ok = new RecordingStepContext(Map.of("url", base + "/secure",
                "headers", Map.of("Authorization", "Bearer ${env:TOKEN}"))).secret("TOKEN", "t0ken-xyz");
        assertThat(httpCheck.execute(ok).evidence()).containsEntry("status", 200);

        var wrong = new RecordingStepContext(Map.of("url", base + "/secure",
                "headers", Map.of("Authorization", "${env:TOKEN}"))).secret("TOKEN", "t0ken-xyz");
        StepFailedException failure = catchThrowableOfType(() -> httpCheck.execute(wrong), StepFailedException.class);
        assertThat(failure.evidence()).containsEntry("bodyExcerpt", "bad token ******");
    }

    @Test
    void aSecretReferenceInsideAHeaderValueIsResolvedAndMasked(@TempDir Path dir) throws Exception {
        String token = "t0ken-from-a-file-7f3a";
        Path tokenFile = Files.writeString(dir.resolve("token"), token + "\n");
        var context = new RecordingStepContext(Map.of("url", base + "/recorded",
                "headers", Map.of("Authorization", "Bearer ${file:" + tokenFile + "}")));

        StepFailedException failure = catchThrowableOfType(() -> httpCheck.execute(context), StepFailedException.class);

        assertThat(authorizationsSeen).containsExactly("Bearer " + token);
        assertThat(failure.evidence()).containsEntry("status", 403)
                .containsEntry("bodyExcerpt", "forbidden for Bearer ******");
        assertThat(failure.getMessage() + failure.evidence()).doesNotContain(token);
    }

    @Test
    void aSecretReflectedAcrossTheBodyExcerptLeavesNoPieceOfIt() {
        String secret = "Zq8-s3cr3t-mirrored-wQ42";
        for (int at : List.of(280, 290, 296, 260)) {
            var context = new RecordingStepContext(Map.of("url", base + "/reflect?at=" + at,
                    "headers", Map.of("Authorization", "${env:TOKEN}"))).secret("TOKEN", secret);

            StepFailedException failure = catchThrowableOfType(() -> httpCheck.execute(context), StepFailedException.class);

            assertThat(failure.evidence()).containsEntry("status", 500);
            assertThat((String) failure.evidence().get("bodyExcerpt")).as("secret at %d", at).startsWith("xxxx");
            SecretPieces.assertNoPieceOf(secret, failure.getMessage() + failure.evidence());
        }
    }

    @Test
    void mistakesInItsValuesAreFoundAtValidation() {
        var with = new dev.cutover.step.MapStepArguments(Map.of("url", "htp//nowhere", "method", "HEAD",
                "bodyContains", "ok", "attempts", "0", "headers", Map.of("Host", "x")), value -> value,
                dev.cutover.runbook.Durations::parse);

        assertThat(httpCheck.validate(with, Duration.ofMinutes(1))).extracting(dev.cutover.step.StepArgumentProblem::field)
                .containsExactly("url", "bodyContains", "attempts", "headers");
        var referenced = new dev.cutover.step.MapStepArguments(Map.of("url", "${env:HEALTH_URL}"), value -> value,
                dev.cutover.runbook.Durations::parse);
        assertThat(httpCheck.validate(referenced, Duration.ofMinutes(1))).as("resolved only when the step runs").isEmpty();
    }

    @Test
    void usesTheGivenMethodAndStatus() throws Exception {
        var context = new RecordingStepContext(Map.of("url", base + "/method", "method", "POST", "bodyContains", "method POST"));
        assertThat(httpCheck.execute(context).evidence()).containsEntry("method", "POST");

        var missing = new RecordingStepContext(Map.of("url", base + "/missing", "method", "HEAD", "expectStatus", "404"));
        assertThat(httpCheck.execute(missing).evidence()).containsEntry("status", 404);
    }

    @Test
    void aSlowAnswerCountsAsAFailedAttempt() {
        var context = new RecordingStepContext(Map.of("url", base + "/slow", "requestTimeout", "300ms"));

        assertThatThrownBy(() -> httpCheck.execute(context))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("but saw no answer within 300ms");
    }

    @Test
    void aRefusedConnectionIsReportedAsSuch() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        var context = new RecordingStepContext(Map.of("url", "http://127.0.0.1:" + port + "/health"));

        StepFailedException failure = catchThrowableOfType(() -> httpCheck.execute(context), StepFailedException.class);

        assertThat(failure).hasMessageContaining("expected status 200 but saw ConnectException");
        assertThat(failure.evidence()).containsKey("error").doesNotContainKey("status");
    }

    @Test
    void stopRequestEndsTheRetriesPromptly() {
        var context = new RecordingStepContext(Map.of("url", base + "/missing", "attempts", "100", "interval", "10s"));
        context.requestStopAfter(Duration.ofMillis(300));

        long start = System.nanoTime();
        assertThatThrownBy(() -> httpCheck.execute(context)).isInstanceOf(StepStoppedException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void givesUpWhenTheNextAttemptWouldOutliveTheStepTimeout() {
        var context = new RecordingStepContext(Map.of("url", base + "/missing", "attempts", "100", "interval", "600ms"))
                .timeout(Duration.ofSeconds(1));

        StepFailedException failure = catchThrowableOfType(() -> httpCheck.execute(context), StepFailedException.class);

        assertThat(failure).hasMessageEndingWith("(attempt 2 of 100; no time left for more within the step's timeout of 1s)");
    }
}
