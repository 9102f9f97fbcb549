package dev.cutover.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import dev.cutover.testsupport.BrowserPages;
import dev.cutover.testsupport.ServiceTest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The timeline and the window budget in a real headless Chromium: rehearsals of the runbook
 * (quick {@code wait} steps, run through the API) feed the forecast; a cutover of it then shows
 * actual bars for what ran, forecast bars for what is to come, the point of no return labelled, and
 * a header that says in words when the forecast does not fit the runbook's window.
 */
class DashboardTimelineBrowserTests extends ServiceTest {

    private static final String DEMO = """
            name: timeline-demo
            description: Quick steps in three phases, the second the point of no return, for the timeline's browser tests
            window: 1m
            environments:
              local: { connections: {} }
            phases:
              - name: prepare
                steps:
                  - { id: copy-objects, type: wait, owner: storage-lead, with: { duration: 2s } }
                  - { id: lower-ttl, type: wait, owner: network-lead, with: { duration: 1s } }
              - name: switch
                pointOfNoReturn: true
                steps:
                  - { id: go-no-go, type: manual, owner: cto, with: { instructions: "Say go" } }
                  - { id: promote, type: wait, owner: dba, with: { duration: 2s } }
                  - { id: switch-dns, type: wait, owner: network-lead, with: { duration: 1s } }
              - name: verify
                steps:
                  - { id: smoke-test, type: wait, owner: qa, with: { duration: 1s } }
            """;
    private static final String TIGHT = """
            name: timeline-tight
            description: Its rehearsals take 4 s; its window is 3 s
            window: 3s
            environments:
              local: { connections: {} }
            phases:
              - name: only
                pointOfNoReturn: true
                steps:
                  - { id: first, type: wait, owner: ops, with: { duration: 2s } }
                  - { id: second, type: wait, owner: ops, with: { duration: 2s } }
            """;
    @RegisterExtension
    static final BrowserPages browsers = new BrowserPages();

    @Test
    void theTimelineShowsWhatRanWhatIsForecastAndThePointOfNoReturn() throws Exception {
        addRunbook("timeline-demo.yaml", DEMO);
        for (int i = 0; i < 2; i++) {
            rehearse(createCutover("timeline-demo"));
        }
        String id = createCutover("timeline-demo");
        start(id, "prepare", "READY");
        start(id, "switch", "AWAITING_APPROVAL");

        Page page = loggedIn("viewer", 1920, 1080);
        page.navigate(base() + "/cutovers/" + id);

        assertThat(page.locator("[data-row='copy-objects'] [data-bar='actual']")).hasCount(1);
        assertThat(page.locator("[data-row='go-no-go'] [data-bar='running']")).hasCount(1);
        for (String toCome : List.of("promote", "switch-dns", "smoke-test")) {
            assertThat(page.locator("[data-row='" + toCome + "'] [data-bar='p50']")).hasCount(1);
            assertThat(page.locator("[data-row='" + toCome + "'] [data-bar='actual']")).hasCount(0);
        }
        assertThat(page.locator("#timeline")).containsText("forecast p50");
        assertThat(page.locator("#timeline [data-marker='pnr']")).hasText("point of no return: after switch");
        assertThat(page.locator("#timeline [data-marker='now']")).hasText("now");
        assertThat(page.locator("#timeline [data-marker='window']")).hasText("window ends (1 min)");
        assertThat(page.locator("#window-budget")).hasText("1 min");
        assertThat(page.locator("#budget-verdict")).containsText("before the window closes");
        assertThat(page.locator("#timeline .tl-legend")).containsText("forecast p50");
        screenshots(page, "cutover-timeline");

        // The page re-renders the timeline with its other live parts: approving moves the gate to "ran".
        assertThat(api.post("approver", "/api/cutovers/" + id + "/steps/go-no-go/approve",
                "{\"comment\":\"go\",\"checkedItems\":[]}").status()).isEqualTo(200);
        assertThat(page.locator("[data-row='go-no-go'] [data-bar='actual']")).hasCount(1);
    }

    @Test
    void theHeaderSaysInWordsWhenTheForecastDoesNotFitTheWindow() throws Exception {
        addRunbook("timeline-tight.yaml", TIGHT);
        rehearse(createCutover("timeline-tight"));
        String id = createCutover("timeline-tight");

        Page page = loggedIn("viewer", 1366, 768);
        page.navigate(base() + "/cutovers/" + id);

        assertThat(page.locator("#summary")).containsText("window 3 s");
        assertThat(page.locator("#budget-verdict")).containsText(Pattern.compile("p50 ends \\d+ s after the window"));
        assertThat(page.locator("#budget-verdict")).hasClass(Pattern.compile("budget-red"));

        start(id, "only", "RUNNING");
        assertThat(page.locator("#window-budget")).hasText("3 s");
        assertThat(page.locator("#budget-verdict")).containsText("after the window");
        assertThat(page.locator("#budget-verdict")).hasClass(Pattern.compile("budget-red"));
        screenshots(page, "cutover-over-window");
    }

    private void rehearse(String id) {
        JsonRunbook.phases(api.get("viewer", "/api/cutovers/" + id).body()).forEach(phase -> {
            start(id, phase, null);
            if (phase.equals("switch")) {
                api.awaitState(id, "AWAITING_APPROVAL");
                assertThat(api.post("approver", "/api/cutovers/" + id + "/steps/go-no-go/approve",
                        "{\"comment\":\"go\",\"checkedItems\":[]}").status()).isEqualTo(200);
            }
            api.awaitCutover(id, cutover -> {
                String state = cutover.path("state").asString();
                return state.equals("READY") || state.equals("COMPLETED");
            }, 30);
        });
        assertThat(api.get("viewer", "/api/cutovers/" + id).body().path("state").asString()).isEqualTo("COMPLETED");
    }

    private void start(String id, String phase, String awaitState) {
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/" + phase + "/start", null).status())
                .isEqualTo(202);
        if (awaitState != null) {
            api.awaitState(id, awaitState);
        }
    }

    /** The phase names of a cutover, from its API view. */
    private static final class JsonRunbook {

        static List<String> phases(tools.jackson.databind.JsonNode cutover) {
            List<String> names = new ArrayList<>();
            cutover.path("phases").forEach(phase -> names.add(phase.path("name").asString()));
            return names;
        }
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private Page loggedIn(String user, int width, int height) {
        return browsers.loggedIn(user, base(), width, height);
    }

    private static void screenshots(Page page, String name) throws Exception {
        BrowserPages.screenshots(page, name, true, shown -> { });
    }
}
