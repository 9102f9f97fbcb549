package dev.cutover.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.ServiceTest;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Issue 16, defect 6: delivery to event-stream clients never runs on the thread that appended the
 * event. A client that stops reading (a frozen laptop on the war-room Wi-Fi) must not slow a phase,
 * a healthy client still gets every event once, and a client that leaves is not an error.
 */
@ExtendWith(OutputCaptureExtension.class)
class EventStreamDeliveryTests extends ServiceTest {

    private static final int STEPS = 12;

    /** The shared context's connector has small send buffers: the stalled client below blocks a writer after a few KB, not 4 MB. */
    @Autowired
    ApplicationContext context;

    @Test
    void aClientThatStopsReadingNeitherSlowsAPhaseNorCostsAnotherClientAnEvent() throws Exception {
        StringBuilder yaml = new StringBuilder("""
                name: noisy
                environments:
                  local: { connections: {} }
                phases:
                  - name: only
                    steps:
                """);
        for (int i = 0; i < STEPS; i++) {
            // Each step's event carries ~8 KB of output as evidence: a dozen fill a stalled socket's buffers.
            yaml.append("      - { id: noise-").append(i).append(", type: command, with: { run: \"head -c 8000 /dev/zero | tr '\\\\0' x\" } }\n");
        }
        assertThat(context.containsBean("smallSendBuffers")).as("SmallSendBuffers in the service's context").isTrue();
        addRunbook("noisy.yaml", yaml.toString());
        String id = createCutover("noisy");

        try (Socket stalled = openStream(id)) { // ... that never reads a byte

            CompletableFuture<List<String>> healthy = CompletableFuture.supplyAsync(() -> readEventIds(id));
            Thread.sleep(300);
            long started = System.nanoTime();
            assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/only/start", "").status()).isEqualTo(202);
            api.awaitState(id, "COMPLETED");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(millis).as("phase with a stalled stream client open").isLessThan(10_000);

            List<String> ids = healthy.get(20, TimeUnit.SECONDS);
            List<String> logged = new ArrayList<>();
            api.get("viewer", "/api/cutovers/" + id + "/events?limit=500").body().path("events")
                    .forEach(event -> logged.add(event.path("id").asString()));
            assertThat(ids).doesNotHaveDuplicates().isEqualTo(logged);
        }
    }

    @Test
    void aClientThatLeavesIsNotAnError(CapturedOutput output) throws Exception {
        String id = createCutover("walkthrough");
        try (Socket leaving = openStream(id)) {
            leaving.getInputStream().read(new byte[256]);
            leaving.setSoLinger(true, 0); // close with a reset, as a killed curl or a closed laptop lid does
        }
        // Events after the client left: the next delivery finds the connection gone.
        for (int i = 0; i < 5; i++) {
            api.post("operator", "/api/cutovers/" + id + "/phases/prepare/start", "");
            Thread.sleep(200);
        }
        api.awaitState(id, "READY");
        Thread.sleep(500);
        assertThat(output.getAll()).doesNotContain("Unexpected failure answering a request");
    }

    private Socket openStream(String id) throws java.io.IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(1024);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        OutputStream out = socket.getOutputStream();
        out.write(("GET /api/cutovers/" + id + "/events/stream HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
                + "Authorization: Basic " + Base64.getEncoder().encodeToString("viewer:viewer".getBytes(StandardCharsets.UTF_8))
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private List<String> readEventIds(String id) {
        List<String> ids = new ArrayList<>();
        try {
            HttpRequest request = api.request("viewer", "/api/cutovers/" + id + "/events/stream").build();
            HttpResponse<Stream<String>> response = api.client().send(request, HttpResponse.BodyHandlers.ofLines());
            try (Stream<String> lines = response.body()) {
                var it = lines.iterator();
                while (it.hasNext()) {
                    String line = it.next();
                    if (line.startsWith("id:")) {
                        ids.add(line.substring(3).trim());
                    }
                    if (line.contains("\"action\":\"phase\"") && line.contains("\"outcome\":\"completed\"")) {
                        return ids;
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }
}
