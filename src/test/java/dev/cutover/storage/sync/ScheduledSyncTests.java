package dev.cutover.storage.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Scheduled delta syncs between two real directories: a full sync with a schedule starts them,
 * they copy what changes as actor {@code scheduler}, and the final sync pauses them.
 */
class ScheduledSyncTests extends ServiceTest {

    @Test
    void scheduledDeltasRunAsSchedulerUntilTheFinalSyncPausesThem() throws Exception {
        Path source = RUNBOOKS.work().resolve("scheduled-src/b");
        Path target = RUNBOOKS.work().resolve("scheduled-dst/b");
        write(source.resolve("a.txt"), "first");
        String id = createCutover("scheduled");
        api.post("operator", "/api/cutovers/" + id + "/phases/weeks-ahead/start", null);
        api.awaitState(id, "READY");
        assertThat(api.get("viewer", "/api/syncs/schedules/" + id).body().get(0).path("state").asString())
                .isEqualTo("ACTIVE");

        write(source.resolve("b.txt"), "arrived after the full sync");
        awaitEvent(id, "scheduler scheduled-sync succeeded", "\"copiedObjects\":1");
        assertThat(Files.readString(target.resolve("b.txt"))).isEqualTo("arrived after the full sync");

        api.post("operator", "/api/cutovers/" + id + "/phases/window/start", null);
        api.awaitState(id, "COMPLETED");
        assertThat(api.get("viewer", "/api/syncs/schedules/" + id).body().get(0).path("state").asString())
                .isEqualTo("PAUSED");
        assertThat(events(id)).anyMatch(e -> e.startsWith("scheduler schedule paused"));
        int started = count(id, "scheduler scheduled-sync started");
        Api.sleep(2500);
        assertThat(count(id, "scheduler scheduled-sync started")).isEqualTo(started);
    }

    private void awaitEvent(String id, String prefix, String evidence) {
        for (int i = 0; i < 100; i++) {
            if (events(id).stream().anyMatch(e -> e.startsWith(prefix) && e.contains(evidence))) {
                return;
            }
            Api.sleep(200);
        }
        throw new AssertionError("no event '" + prefix + "' with " + evidence + " in " + events(id));
    }

    private int count(String id, String prefix) {
        return (int) events(id).stream().filter(e -> e.startsWith(prefix)).count();
    }

    private List<String> events(String id) {
        List<String> lines = new ArrayList<>();
        for (JsonNode event : api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000").body().path("events")) {
            lines.add(event.path("actor").asString() + " " + event.path("action").asString() + " "
                    + event.path("outcome").asString() + " " + event.path("evidence"));
        }
        return lines;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
