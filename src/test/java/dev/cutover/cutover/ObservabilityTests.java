package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What users watch: the live event stream, Prometheus figures and the OpenAPI description. */
class ObservabilityTests extends ServiceTest {

    @Test
    void eventStreamReplaysThenFollowsTheLog() throws Exception {
        String id = createCutover("slow");
        HttpResponse<InputStream> stream = api.client().send(
                api.request("viewer", "/api/cutovers/" + id + "/events/stream").header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> readUntil(stream.body(),
                "phase slow-phase completed"));
        api.post("operator", "/api/cutovers/" + id + "/phases/slow-phase/start", null);
        List<String> seen = lines.get(30, TimeUnit.SECONDS);
        assertThat(String.join("\n", seen)).contains("event:cutover-event", "\"action\":\"create\"",
                "\"actor\":\"operator\"", "\"stepId\":\"wait-a\"", "phase slow-phase completed");
        assertThat(seen).anyMatch(line -> line.startsWith("id:"));
    }

    @Test
    void prometheusShowsCutoverStatesAndStepDurations() {
        String id = createCutover("slow");
        api.post("operator", "/api/cutovers/" + id + "/phases/slow-phase/start", null);
        api.awaitState(id, "READY");
        Api.Answer metrics = api.get("viewer", "/actuator/prometheus");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).contains("cutover_cutovers{state=\"READY\"}")
                .contains("cutover_step_duration_seconds_count{direction=\"forward\",outcome=\"succeeded\",type=\"wait\"}");
        assertThat(api.get(null, "/actuator/prometheus").status()).isEqualTo(401);
    }

    @Test
    void openApiDescribesTheApi() {
        Api.Answer docs = api.get("viewer", "/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body().path("paths").has("/api/cutovers/{id}/phases/{phase}/start")).isTrue();
        assertThat(docs.body().path("paths").has("/api/runbooks/validate")).isTrue();
    }

    private static List<String> readUntil(InputStream body, String marker) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
                if (line.contains(marker)) {
                    return lines;
                }
            }
        } catch (Exception e) {
            lines.add("stream failed: " + e);
        }
        return lines;
    }
}
