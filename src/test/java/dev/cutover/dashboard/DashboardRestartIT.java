package dev.cutover.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.BrowserPages;
import dev.cutover.testsupport.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A deploy in the middle of the night, as the wall screen sees it: the packaged service (system
 * property {@code cutover.jar}, set by failsafe) is stopped and started again on its H2 file
 * database while a page is open at a waiting gate. The page says at once that it lost the service,
 * comes back by itself still logged in (the session is in the database), and its feed ends up with
 * every event of the log once — those written during the shutdown and the startup included.
 */
class DashboardRestartIT {

    private static final String RUNBOOK = """
            name: restart
            description: a gate to wait at across a restart
            environments:
              local: { connections: {} }
            phases:
              - name: warm-up
                steps:
                  - { id: check, type: command, owner: ops, with: { run: "echo ok" } }
              - name: go
                steps:
                  - id: go-no-go
                    type: manual
                    owner: cto
                    with: { instructions: "Say go", checklist: [ "bridge agrees" ] }
            """;

    @RegisterExtension
    static final BrowserPages browsers = new BrowserPages();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path root;

    private ServiceProcess service;

    @Test
    void theOpenPageSaysItLostTheServiceComesBackLoggedInAndShowsEveryEventOnce() throws Exception {
        Files.writeString(Files.createDirectories(root.resolve("runbooks")).resolve("restart.yaml"), RUNBOOK);
        // the one IT that starts the jar as the Dockerfile does (nested jars, no class-data archive)
        service = ServiceProcess.quickStarting(root).asShipped();
        service.start("first-run.log");
        Api api = service.api();
        String base = "http://127.0.0.1:" + service.port();
        String id = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"restart\",\"environment\":\"local\",\"rehearsal\":true}").body().path("id").asString();
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/warm-up/start", null).status()).isEqualTo(202);
        api.awaitState(id, "READY");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/go/start", null).status()).isEqualTo(202);
        api.awaitState(id, "AWAITING_APPROVAL");

        Page page = browsers.loggedIn("viewer", base, 1366, 768);
        page.navigate(base + "/cutovers/" + id);
        assertThat(page.locator("#waiting .banner")).isVisible();
        assertThat(page.locator("#stream-banner")).isHidden();

        service.stop(); // SIGTERM: the graceful shutdown pauses the phase and writes that down
        assertThat(page.locator("#stream-banner")).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(5000));
        assertThat(page.locator("#stream-banner")).containsText("reconnecting");

        service.start("second-run.log");
        assertThat(page.locator("#stream-banner")).isHidden(new LocatorAssertions.IsHiddenOptions().setTimeout(20000));
        assertThat(page).hasURL(base + "/cutovers/" + id); // not sent to the login form: the session survived
        assertThat(page.locator("#cutover-state")).hasText("paused");
        assertThat(page.locator("#waiting .banner")).hasCount(0);

        Set<Long> expected = eventIds(api, id);
        assertThat(page.locator("#feed .event")).hasCount(expected.size(),
                new LocatorAssertions.HasCountOptions().setTimeout(5000));
        List<String> shown = page.locator("#feed .event").evaluateAll("items => items.map(i => i.dataset.id)")
                instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
        assertThat(shown).as("no event twice").doesNotHaveDuplicates();
        assertThat(shown.stream().map(Long::valueOf).toList()).as("no event missing")
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(page.locator("#feed")).containsText("shutting down");
        BrowserPages.screenshot(page, "after-restart-1366x768.png", false);
    }

    @AfterEach
    void stopService() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    private static Set<Long> eventIds(Api api, String id) {
        Set<Long> ids = new HashSet<>();
        for (JsonNode event : api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000").body().path("events")) {
            ids.add(event.path("id").asLong());
        }
        return ids;
    }
}
