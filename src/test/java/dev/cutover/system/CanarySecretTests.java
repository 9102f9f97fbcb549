package dev.cutover.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.cutover.testpeers.TestPeers;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A whole night with every secret a canary: a runbook whose secret references ({@code ${file:...}})
 * each resolve to a unique string — an S3 secret key used by a real sync to S3Mock, a bearer header
 * and a URL key of an {@code http-check} against an echo server that sends them back, the
 * environment of {@code command} steps that print them, fail with them and undo with them — run
 * through a retry, a manual approval, a failure and a rollback. Afterwards no canary (nor its Base64
 * or hex form) may appear in the log output, the event log, any API answer read, the event stream,
 * {@code /actuator/prometheus}, the report in every format, the step states, or anywhere in the
 * database (a full dump: Batch execution contexts, exit messages, sessions).
 */
@ExtendWith(OutputCaptureExtension.class)
class CanarySecretTests extends ServiceTest {

    @Autowired
    JdbcClient jdbc;

    private final List<String> read = new ArrayList<>();

    @Test
    void noSecretAppearsAnywhereAfterAWholeNight(CapturedOutput output) throws Exception {
        Map<String, String> canaries = canaries("s3", "http", "url", "command", "fail", "rollback", "hook", "rejected");
        String bucket = "canary-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client s3 = TestPeers.s3Client()) {
            s3.createBucket(request -> request.bucket(bucket));
        }
        Path source = Files.createDirectories(RUNBOOKS.work().resolve("canary-src/assets"));
        Files.writeString(source.resolve("a.txt"), "alpha");
        Files.writeString(source.resolve("b.txt"), "bravo");
        HttpServer echo = echoServer();
        String hooks = "http://127.0.0.1:" + echo.getAddress().getPort();
        // Webhook URLs are whole secrets: the canary is the token in the path; one hook refuses (a final failure).
        Files.writeString(RUNBOOKS.work().resolve("canary-hook"), hooks + "/hook/" + canaries.get("hook"));
        Files.writeString(RUNBOOKS.work().resolve("canary-rejected"), hooks + "/reject/" + canaries.get("rejected"));
        try {
            addRunbook("canary.yaml", runbook(echo.getAddress().getPort(), bucket));
            String id = createCutover("canary");
            StringBuilder stream = new StringBuilder();
            CompletableFuture<?> streaming = follow(id, stream);

            start(id, "before");
            api.awaitState(id, "READY");
            start(id, "window");
            api.awaitState(id, "AWAITING_APPROVAL");
            keep(api.post("approver", "/api/cutovers/" + id + "/steps/go-no-go/approve",
                    "{\"comment\":\"go\",\"checkedItems\":[\"ready\"]}"));
            api.awaitState(id, "FAILED");
            keep(api.post("approver", "/api/cutovers/" + id + "/rollback", null));
            api.awaitState(id, "ROLLED_BACK");
            awaitNotifications(id);

            keep(api.get("viewer", "/api/cutovers/" + id));
            keep(api.get("viewer", "/api/cutovers"));
            keep(api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000"));
            keep(api.get("operator", "/api/runbooks"));
            keep(api.get("viewer", "/actuator/prometheus"));
            for (String format : List.of("json", "md", "html")) {
                keep(api.get("viewer", "/api/cutovers/" + id + "/report?format=" + format));
            }
            Api.sleep(500);
            streaming.cancel(true);

            Map<String, String> places = new LinkedHashMap<>();
            places.put("log output", output.getAll());
            places.put("API answers", String.join("\n", read));
            places.put("event stream", stream.toString());
            places.put("database", databaseDump());
            places.put("Batch execution contexts", executionContexts());
            List<String> leaks = new ArrayList<>();
            places.forEach((place, text) -> canaries.forEach((name, canary) -> {
                for (String form : forms(canary)) {
                    if (text.contains(form)) {
                        leaks.add("the " + name + " secret in the " + place + ": …" + around(text, form) + "…");
                        break;
                    }
                }
            }));
            assertThat(leaks).isEmpty();
            assertThat(String.join("\n", read)).as("the night really ran with the secrets").contains("******");
            assertThat(stream.toString()).as("the stream was read").contains("rollback");
            assertThat(String.join("\n", read)).as("notifications were sent and refused").contains("delivered", "failed");
        } finally {
            echo.stop(0);
        }
    }

    /** Until the rolled-back notice reached both hooks (delivered to one, refused by the other) or 10 s passed. */
    private void awaitNotifications(String id) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            String log = api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000").text();
            if (log.split("\"notify\"", -1).length > 8) {
                return;
            }
            Api.sleep(200);
        }
    }

    private void start(String id, String phase) {
        Api.Answer started = keep(api.post("operator", "/api/cutovers/" + id + "/phases/" + phase + "/start", null));
        assertThat(started.status()).as(started.text()).isEqualTo(202);
    }

    private Api.Answer keep(Api.Answer answer) {
        read.add(answer.text());
        return answer;
    }

    /** A unique canary per secret, each written to its own file that the runbook references. */
    private static Map<String, String> canaries(String... names) throws IOException {
        Map<String, String> canaries = new LinkedHashMap<>();
        for (String name : names) {
            String canary = "cnry" + name + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            Files.writeString(RUNBOOKS.work().resolve("canary-" + name), canary + "\n");
            canaries.put(name, canary);
        }
        return canaries;
    }

    private static List<String> forms(String canary) {
        byte[] bytes = canary.getBytes(StandardCharsets.UTF_8);
        return List.of(canary, Base64.getEncoder().withoutPadding().encodeToString(bytes).substring(0, 20),
                HexFormat.of().formatHex(bytes), HexFormat.of().withUpperCase().formatHex(bytes));
    }

    private static String around(String text, String found) {
        int at = text.indexOf(found);
        return text.substring(Math.max(0, at - 120), Math.min(text.length(), at + found.length() + 40)).replace('\n', ' ');
    }

    private String runbook(int echoPort, String bucket) {
        String s3 = TestPeers.s3Endpoint().toString();
        return """
                name: canary
                description: Every secret reference resolves to a canary that must show up nowhere
                environments:
                  local:
                    connections:
                      assets-fs: { type: filesystem, root: "@WORK@/canary-src" }
                      assets-s3: { type: s3, endpoint: "%s", pathStyle: true, region: us-east-1,
                                   accessKeyId: test, secretAccessKey: "${file:@WORK@/canary-s3}" }
                notify:
                  channels:
                    audit:    { type: webhook, url: "${file:@WORK@/canary-hook}" }
                    rejected: { type: webhook, url: "${file:@WORK@/canary-rejected}" }
                  routes:
                    - { on: [approval-waiting, step-failed, rollback-started, cutover-rolled-back], to: [audit, rejected] }
                phases:
                  - name: before
                    steps:
                      - id: probe
                        type: http-check
                        with: { url: "http://127.0.0.1:%d/echo?key=${file:@WORK@/canary-url}", bodyContains: "Bearer",
                                headers: { Authorization: "Bearer ${file:@WORK@/canary-http}" } }
                      - id: noisy
                        type: command
                        retries: 1
                        with:
                          run: "echo \\"token is $TOKEN\\"; echo \\"stderr $TOKEN\\" >&2; test -f @WORK@/$CUTOVER_ID.again || { touch @WORK@/$CUTOVER_ID.again; echo \\"failed with $TOKEN\\" >&2; exit 3; }"
                          env: { TOKEN: "${file:@WORK@/canary-command}" }
                        rollback: { type: command, with: { run: "echo \\"undo with $TOKEN\\"", env: { TOKEN: "${file:@WORK@/canary-rollback}" } } }
                      - id: sync
                        type: storage-sync
                        with: { source: assets-fs, sourceBucket: assets, target: assets-s3, targetBucket: %s, mode: full }
                        rollback: none
                      - id: verify
                        type: storage-verify
                        with: { source: assets-fs, sourceBucket: assets, target: assets-s3, targetBucket: %s }
                  - name: window
                    steps:
                      - id: go-no-go
                        type: manual
                        with: { instructions: "Say go", checklist: ["ready"] }
                      - id: doomed
                        type: command
                        with: { run: "echo \\"boom $TOKEN\\" >&2; exit 4", env: { TOKEN: "${file:@WORK@/canary-fail}" } }
                        rollback: { type: command, with: { run: "echo \\"undone $TOKEN\\"", env: { TOKEN: "${file:@WORK@/canary-fail}" } } }
                """.formatted(s3, echoPort, bucket, bucket);
    }

    /**
     * Answers with the path, the query and every request header, as some receivers quote a bad request
     * back: whatever the step or the notifier sent comes back in the body (a refused hook's 400 too).
     */
    private static HttpServer echoServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            StringBuilder body = new StringBuilder("path " + exchange.getRequestURI().getRawPath() + "\n"
                    + "query " + exchange.getRequestURI().getRawQuery() + "\n");
            exchange.getRequestHeaders().forEach((name, values) -> body.append(name).append(": ").append(values).append('\n'));
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().startsWith("/reject/") ? 400 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server;
    }

    private CompletableFuture<?> follow(String id, StringBuilder into) {
        var request = api.request("viewer", "/api/cutovers/" + id + "/events/stream?parts=true")
                .header("Accept", "text/event-stream").timeout(java.time.Duration.ofMinutes(5)).GET().build();
        return api.client().sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> response.body().forEach(line -> {
                    synchronized (into) {
                        into.append(line).append('\n');
                    }
                }));
    }

    /** Everything the database holds, as H2 writes it out (binary columns as hex). */
    private String databaseDump() {
        return String.join("\n", jdbc.sql("SCRIPT").query(String.class).list());
    }

    /** Batch's execution contexts, decoded when Batch stored them Base64-encoded. */
    private String executionContexts() {
        StringBuilder contexts = new StringBuilder();
        for (String table : List.of("BATCH_JOB_EXECUTION_CONTEXT", "BATCH_STEP_EXECUTION_CONTEXT")) {
            jdbc.sql("SELECT SHORT_CONTEXT, SERIALIZED_CONTEXT FROM " + table).query((row, n) -> {
                for (String column : List.of("SHORT_CONTEXT", "SERIALIZED_CONTEXT")) {
                    String value = row.getString(column);
                    if (value != null) {
                        contexts.append(value).append('\n');
                        try {
                            contexts.append(new String(Base64.getDecoder().decode(value.trim()),
                                    StandardCharsets.ISO_8859_1)).append('\n');
                        } catch (IllegalArgumentException notBase64) {
                            // stored as text (JSON): already appended
                        }
                    }
                }
                return n;
            }).list();
        }
        return contexts.toString();
    }
}
