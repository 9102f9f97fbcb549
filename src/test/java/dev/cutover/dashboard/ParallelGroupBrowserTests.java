package dev.cutover.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.BoundingBox;
import dev.cutover.testsupport.BrowserPages;
import dev.cutover.testsupport.ServiceTest;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A parallel group on the cutover page, in a real headless Chromium: its steps in one bracketed
 * block labelled "in parallel", side by side, each with its own state; on the timeline their
 * forecast bars start together and their actual bars overlap.
 */
class ParallelGroupBrowserTests extends ServiceTest {

    private static final String RUNBOOK = """
            name: parallel-demo
            description: A freeze, three checks side by side, then a promotion
            window: 1m
            environments:
              local: { connections: {} }
            phases:
              - name: window
                steps:
                  - { id: freeze-writes, type: wait, owner: dba, with: { duration: 1s } }
                  - group: checks-while-frozen
                    parallel: true
                    steps:
                      - { id: verify-orders, type: wait, owner: dba, with: { duration: 2s } }
                      - { id: verify-catalog, type: wait, owner: dba, with: { duration: 3s } }
                      - { id: final-sync, type: wait, owner: storage-lead, with: { duration: 1s } }
                  - { id: promote, type: wait, owner: dba, with: { duration: 1s } }
            """;
    private static final List<String> SIBLINGS = List.of("verify-orders", "verify-catalog", "final-sync");

    @RegisterExtension
    static final BrowserPages browsers = new BrowserPages();

    @Test
    void theStepsOfAGroupAreOneBracketedBlockSideBySideAndOverlapOnTheTimeline() throws Exception {
        addRunbook("parallel-demo.yaml", RUNBOOK);
        String rehearsal = createCutover("parallel-demo");
        start(rehearsal);
        api.awaitState(rehearsal, "COMPLETED");
        String id = createCutover("parallel-demo");

        Page page = browsers.loggedIn("viewer", base(), 1920, 1080);
        page.navigate(base() + "/cutovers/" + id);
        Locator group = page.locator("#phases .parallel-group[data-group='checks-while-frozen']");
        assertThat(group).hasCount(1);
        assertThat(group.locator(".parallel-label")).containsText("in parallel");
        assertThat(group.locator(".parallel-label")).containsText("checks-while-frozen");
        assertThat(group.locator(".step")).hasCount(3);
        assertThat(page.locator("#phases .parallel-group [data-step='freeze-writes']")).hasCount(0);
        BrowserPages.screenshot(page, "cutover-parallel-group-before.png", true);
        // One read of the layout: the page may swap its live parts between two reads.
        Object tops = page.evaluate("() => [...document.querySelectorAll('#phases .parallel-group .step')]"
                + ".map(e => Math.round(e.getBoundingClientRect().top))");
        List<Object> rows = new java.util.ArrayList<>((List<?>) tops);
        assertThat(rows).as("side by side: one row").hasSize(3).containsOnly(rows.get(0));
        // Forecast: the three start where the freeze's forecast ends, and promote after the longest of them.
        double p50Left = barLeft(page, "verify-orders", "p50");
        for (String sibling : SIBLINGS) {
            assertThat(barLeft(page, sibling, "p50")).as(sibling).isCloseTo(p50Left, org.assertj.core.data.Offset.offset(2.0));
        }
        assertThat(barLeft(page, "promote", "p50")).isGreaterThan(barRight(page, "verify-orders", "p50"));

        start(id);
        assertThat(group.locator("[data-step='verify-catalog'] .state")).hasText(Pattern.compile("running", Pattern.CASE_INSENSITIVE));
        assertThat(group.locator("[data-step='final-sync'] .state")).hasText(Pattern.compile("succeeded", Pattern.CASE_INSENSITIVE));
        assertThat(group.locator("[data-step='verify-orders'] .state")).hasText(Pattern.compile("running", Pattern.CASE_INSENSITIVE));
        BrowserPages.screenshots(page, "cutover-parallel-group", true, shown -> { });

        api.awaitState(id, "COMPLETED");
        assertThat(page.locator("[data-row='promote'] [data-bar='actual']")).hasCount(1);
        assertThat(group.locator("[data-step='verify-catalog'] .state")).hasText(Pattern.compile("succeeded", Pattern.CASE_INSENSITIVE));
        double catalogLeft = barLeft(page, "verify-catalog", "actual");
        for (String sibling : SIBLINGS) {
            assertThat(barLeft(page, sibling, "actual")).as(sibling + " ran beside verify-catalog")
                    .isLessThan(barRight(page, "verify-catalog", "actual"))
                    .isCloseTo(catalogLeft, org.assertj.core.data.Offset.offset(15.0));
        }
        BrowserPages.screenshots(page, "cutover-parallel-group-done", true, shown -> { });

        // The report shows the group too: in JSON, in Markdown, and bracketed in HTML.
        assertThat(api.get("viewer", "/api/cutovers/" + id + "/report").text())
                .containsPattern("\"parallelGroup\"\\s*:\\s*\"checks-while-frozen\"");
        assertThat(api.get("viewer", "/api/cutovers/" + id + "/report?format=markdown").text())
                .contains("verify-catalog (in parallel: checks-while-frozen)");
        page.navigate(base() + "/cutovers/" + id + "/report");
        assertThat(page.locator("tr.in-parallel[data-group='checks-while-frozen']")).hasCount(3);
        assertThat(page.locator("tr[data-step='verify-orders'] .parallel-tag")).hasText("∥ in parallel: checks-while-frozen");
        BrowserPages.screenshot(page, "report-parallel-group.png", true);
        // The total against the rehearsal counts the group once, as the forecast does: 1 + 3 + 1 s, not 1 + 2 + 3 + 1 + 1.
        double total = api.get("viewer", "/api/cutovers/" + id + "/report").body().path("comparison")
                .path("thisTotalSeconds").asDouble();
        assertThat(total).isBetween(5.0, 7.5);
    }

    private static double barLeft(Page page, String step, String kind) {
        return bar(page, step, kind).x;
    }

    private static double barRight(Page page, String step, String kind) {
        BoundingBox box = bar(page, step, kind);
        return box.x + box.width;
    }

    private static BoundingBox bar(Page page, String step, String kind) {
        Locator bar = page.locator("[data-row='" + step + "'] [data-bar='" + kind + "']");
        assertThat(bar).hasCount(1);
        BoundingBox box = null;
        for (int tries = 0; box == null && tries < 20; tries++) { // null while a live part is being swapped
            box = bar.boundingBox();
        }
        return box;
    }

    private void start(String id) {
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/window/start", null).status()).isEqualTo(202);
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
