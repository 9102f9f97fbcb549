package dev.cutover.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for the service's REST API over a real socket, as curl would use it. */
public final class Api {

    /** One answer: status, content type, Location, Idempotent-Replayed and the JSON body (or null). */
    public record Answer(int status, String contentType, String location, boolean replayed, JsonNode body, String text) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final Map<String, String> passwords;

    /** Signs in with the dev users: each password is the user's name. */
    public Api(int port) {
        this(port, Map.of());
    }

    /** Signs in with the given password per user; a user not in the map uses its name as password. */
    public Api(int port, Map<String, String> passwords) {
        this.base = "http://127.0.0.1:" + port;
        this.passwords = Map.copyOf(passwords);
    }

    public Answer get(String user, String path) {
        return send(request(user, path).GET().build());
    }

    public Answer post(String user, String path, String json) {
        return post(user, path, json, null);
    }

    public Answer post(String user, String path, String json, String idempotencyKey) {
        HttpRequest.Builder builder = request(user, path).header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            builder.header("Idempotency-Key", idempotencyKey);
        }
        return send(builder.build());
    }

    public Answer postYaml(String user, String path, String yaml) {
        return send(request(user, path).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).build());
    }

    public HttpRequest.Builder request(String user, String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (user != null) {
            String credentials = user + ":" + passwords.getOrDefault(user, user); // dev users: the name
            builder.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return builder;
    }

    public HttpClient client() {
        return client;
    }

    /** Polls the cutover until its state satisfies the condition, or fails after {@code seconds}. */
    public JsonNode awaitCutover(String id, Predicate<JsonNode> condition, int seconds) {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            last = get("viewer", "/api/cutovers/" + id).body();
            if (condition.test(last)) {
                return last;
            }
            sleep(100);
        }
        throw new AssertionError("cutover " + id + " did not reach the expected state in " + seconds + " s; last: " + last);
    }

    public JsonNode awaitState(String id, String state) {
        return awaitCutover(id, c -> state.equals(c.path("state").asString()), 30);
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            String type = response.headers().firstValue("Content-Type").orElse("");
            JsonNode body = type.contains("json") && !response.body().isEmpty() ? JSON.readTree(response.body()) : null;
            return new Answer(response.statusCode(), type, response.headers().firstValue("Location").orElse(null),
                    response.headers().firstValue("Idempotent-Replayed").isPresent(), body, response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One step of a cutover as GET /api/cutovers/{id} shows it. */
    public static JsonNode step(JsonNode cutover, String stepId) {
        for (JsonNode phase : cutover.path("phases")) {
            for (JsonNode step : phase.path("steps")) {
                if (stepId.equals(step.path("id").asString())) {
                    return step;
                }
            }
        }
        throw new AssertionError("no step " + stepId + " in " + cutover);
    }

    /** The state of one step in a cutover as GET /api/cutovers/{id} shows it. */
    public static String stepState(JsonNode cutover, String stepId) {
        return step(cutover, stepId).path("state").asString();
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
