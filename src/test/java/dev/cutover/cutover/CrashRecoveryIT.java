package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The kill -9 drill, for real: starts the packaged Spring Boot jar (system property
 * {@code cutover.jar}, set by failsafe) as a child process on an H2 file database, kills it with
 * SIGKILL while a {@code command} step runs, starts it again on the same database and checks that
 * the cutover shows the step INTERRUPTED and that restarting the phase continues from that step.
 * The temp dir (runbooks, database, work files, service logs) is kept when the test fails.
 */
class CrashRecoveryIT {

    private static final String PHASE = "migrate";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path root;

    private ServiceProcess service;

    @Test
    void killNineDuringACommandStepThenRestartContinuesFromThatStep() throws Exception {
        service = ServiceProcess.quickStarting(root);
        writeRunbook();
        service.start("first-run.log");
        Api api = service.api();

        Api.Answer created = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"crash\",\"environment\":\"local\",\"rehearsal\":true}");
        assertThat(created.status()).as("create: %s%s", created.text(), service.logTail()).isEqualTo(201);
        String id = created.body().path("id").asString();
        Api.Answer started = api.post("operator", "/api/cutovers/" + id + "/phases/" + PHASE + "/start", null);
        assertThat(started.status()).as("start: %s%s", started.text(), service.logTail()).isEqualTo(202);
        api.awaitCutover(id, c -> "RUNNING".equals(Api.stepState(c, "long")) && lines("long-runs") == 1, 30);
        // No pause before the kill: the embedded default must have every commit on disk at once
        // (H2's WRITE_DELAY=0), or the phase start just made would be lost with the process.

        service.killNine(); // SIGKILL, the command step's bash and sleep captured first; asserts exit status 137
        // The command dies with the service: left running, it would run beside its own restart below.
        assertThat(service.descendantsAliveAfter(java.time.Duration.ofSeconds(5)))
                .as("the command step's processes after the service was killed").isEmpty();

        service.start("second-run.log");
        JsonNode cutover = api.get("viewer", "/api/cutovers/" + id).body();
        String seen = cutover + service.logTail();
        assertThat(cutover.path("state").asString()).as(seen).isEqualTo("INTERRUPTED");
        assertThat(Api.stepState(cutover, "first")).as(seen).isEqualTo("SUCCEEDED");
        assertThat(Api.stepState(cutover, "long")).as(seen).isEqualTo("INTERRUPTED");
        assertThat(Api.stepState(cutover, "last")).as(seen).isEqualTo("PENDING");
        assertThat(strings(cutover.path("allowedActions"))).as(seen).contains("restart-phase");
        List<String> events = new ArrayList<>();
        for (JsonNode event : api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").body().path("events")) {
            events.add(event.path("actor").asString() + " " + event.path("action").asString() + " "
                    + event.path("outcome").asString());
        }
        assertThat(events).as("event log (actor action outcome)").contains("system phase interrupted");

        Files.writeString(root.resolve("work/long-done"), "");
        Api.Answer restarted = api.post("operator", "/api/cutovers/" + id + "/phases/" + PHASE + "/restart", null);
        assertThat(restarted.status()).as("restart: %s%s", restarted.text(), service.logTail()).isEqualTo(202);
        JsonNode ended = api.awaitCutover(id, c -> !"RUNNING".equals(c.path("state").asString()), 60);
        assertThat(ended.path("state").asString()).as(ended + service.logTail()).isEqualTo("COMPLETED");
        assertThat(lines("first-runs")).as("runs of step first: done before the crash, not again").isEqualTo(1);
        assertThat(lines("long-runs")).as("runs of step long: cut off, then again on restart").isEqualTo(2);
        assertThat(lines("last-runs")).as("runs of step last").isEqualTo(1);
    }

    /** Stops the service and kills the processes it started (the command step's bash and its sleep). */
    /** SIGTERM (a deploy, a reboot): the running phase is paused like an operator would, and resumes. */
    @Test
    void aGracefulStopPausesTheRunningPhaseAndResumeContinuesIt() throws Exception {
        service = ServiceProcess.quickStarting(root);
        writeRunbook();
        service.start("first-run.log");
        Api api = service.api();
        String id = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"crash\",\"environment\":\"local\",\"rehearsal\":true}").body().path("id").asString();
        api.post("operator", "/api/cutovers/" + id + "/phases/" + PHASE + "/start", null);
        api.awaitCutover(id, c -> "RUNNING".equals(Api.stepState(c, "long")) && lines("long-runs") == 1, 30);

        service.stop(); // SIGTERM: Spring's graceful shutdown

        service.start("second-run.log");
        JsonNode cutover = api.get("viewer", "/api/cutovers/" + id).body();
        String seen = cutover + service.logTail();
        assertThat(cutover.path("state").asString()).as(seen).isEqualTo("PAUSED");
        assertThat(Api.stepState(cutover, "long")).as(seen).isEqualTo("STOPPED");
        assertThat(strings(cutover.path("allowedActions"))).as(seen).contains("resume");

        Files.writeString(root.resolve("work/long-done"), "");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/resume", null).status()).isEqualTo(202);
        JsonNode ended = api.awaitCutover(id, c -> !List.of("RUNNING", "PAUSED").contains(c.path("state").asString()), 60);
        assertThat(ended.path("state").asString()).as(ended + service.logTail()).isEqualTo("COMPLETED");
        assertThat(lines("first-runs")).as("runs of step first").isEqualTo(1);
        assertThat(lines("long-runs")).as("runs of step long: stopped by the shutdown, then again").isEqualTo(2);
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    private void writeRunbook() throws IOException {
        Path runbooks = Files.createDirectories(root.resolve("runbooks"));
        Path work = Files.createDirectories(root.resolve("work"));
        try (InputStream in = CrashRecoveryIT.class.getResourceAsStream("/crash-runbooks/crash.yaml")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Files.writeString(runbooks.resolve("crash.yaml"), text.replace("@WORK@", work.toString()));
        }
    }

    private int lines(String file) {
        try {
            Path path = root.resolve("work").resolve(file);
            return Files.exists(path) ? Files.readAllLines(path).size() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }
}
