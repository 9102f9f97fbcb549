package dev.cutover.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.cutover.dashboard.report.NightReportTests;
import dev.cutover.testsupport.BrowserPages;
import dev.cutover.testsupport.ServiceTest;
import dev.cutover.testsupport.TcpRelay;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real headless Chromium against the whole service: log in through the form,
 * watch a cutover live, approve a gate from the page, and see that the page admits it when its
 * stream drops. The runbook is small and local: a wait, a manual gate with a checklist, a command.
 */
class DashboardBrowserTests extends ServiceTest {

    private static final String RUNBOOK = """
            name: dashboard-demo
            description: A wait, a manual gate with a checklist and a command, for the dashboard's browser tests
            environments:
              local: { connections: {} }
            phases:
              - name: warm-up
                steps:
                  - id: settle
                    type: wait
                    owner: devops-lead
                    escalation: "+1 555 0100 (bridge)"
                    with: { duration: 2s }
              - name: go
                steps:
                  - id: go-no-go
                    type: manual
                    owner: cto
                    escalation: "cto@example.com"
                    with:
                      instructions: "Say go when the bridge agrees"
                      checklist: ["snapshot taken", "TTL is 60 s"]
                  - id: announce
                    type: command
                    owner: devops-lead
                    with: { run: "echo announced" }
                    rollback: { type: command, with: { run: "echo withdrawn" } }
            """;
    @RegisterExtension
    static final BrowserPages browsers = new BrowserPages();
    private static final LocatorAssertions.IsVisibleOptions TWO_SECONDS =
            new LocatorAssertions.IsVisibleOptions().setTimeout(2000);


    @LocalServerPort
    private int port;
    @org.springframework.beans.factory.annotation.Autowired
    dev.cutover.instance.InstanceLeases leases;

    @BeforeEach
    void addRunbook() {
        if (api.get("viewer", "/api/runbooks/dashboard-demo").status() != 200) {
            RUNBOOKS.add("dashboard-demo.yaml", RUNBOOK);
            assertThat(api.post("operator", "/api/runbooks/reload", null).status()).isEqualTo(200);
        }
    }

    @Test
    void viewerLogsInThroughTheFormAndSeesTheListAndACutover() throws Exception {
        String id = createCutover("dashboard-demo");
        Page page = loggedIn("viewer", base(), 1366, 768);

        Locator row = page.locator("tr", new Page.LocatorOptions().setHas(page.locator("a[href='/cutovers/" + id + "']")));
        assertThat(row).containsText("dashboard-demo");
        assertThat(row).containsText("rehearsal");
        assertThat(row).containsText("ready");
        assertThat(page.locator("ul.runbooks")).containsText("dashboard-demo");
        Locator self = page.locator("#instances tr[data-instance='" + leases.self().id() + "']");
        assertThat(self).containsText("live");
        assertThat(self).containsText("serves this page");
        assertThat(self).containsText(Long.toString(ProcessHandle.current().pid()));
        Files.createDirectories(BrowserPages.SCREENSHOTS);
        page.screenshot(new Page.ScreenshotOptions().setPath(BrowserPages.SCREENSHOTS.resolve("cutovers-list-1366x768.png")));

        row.locator("a").first().click();
        assertThat(page).hasURL(base() + "/cutovers/" + id);
        assertThat(page.locator("#cutover-state")).hasText("ready");
        assertThat(page.locator("#phases")).containsText("go-no-go");
        assertThat(page.locator("#phases")).containsText("owner cto");
        assertThat(page.locator("#feed")).containsText("rehearsal of runbook dashboard-demo in local");
        assertThat(page.locator(".controls")).hasCount(0); // a viewer gets no buttons at all
    }

    @Test
    void aPhaseStartedThroughTheApiAppearsOnTheOpenPageWithoutAReload() throws Exception {
        String id = createCutover("dashboard-demo");
        Page page = loggedIn("viewer", base(), 1920, 1080);
        page.navigate(base() + "/cutovers/" + id);
        assertThat(page.locator("#feed .event")).hasCount(1); // the stream is connected and replayed
        page.evaluate("window.__sameDocument = true");

        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/warm-up/start", null).status()).isEqualTo(202);

        assertThat(page.locator("#feed .event", new Page.LocatorOptions().setHasText("start-phase")))
                .isVisible(TWO_SECONDS);
        assertThat(page.locator("#cutover-state")).hasText("running", new LocatorAssertions.HasTextOptions().setTimeout(2000));
        assertThat(page.locator("[data-step='settle'] .state")).hasText("running");
        assertThat(page.locator("#runs-on")).containsText(leases.self().id());
        assertThat(page.locator("#runs-on")).containsText("lease live");
        assertThat(page.evaluate("window.__sameDocument === true")).as("no reload").isEqualTo(true);
        screenshots(page, "cutover-running");
        api.awaitState(id, "READY");
    }

    /**
     * A busy phase writes several events a second; fifty wall screens each fetching the live parts on
     * every one of them slowed the phase they watched twentyfold (bench/dashboard.sh). The service
     * pushes the parts on the page's stream instead: the page fetches nothing while it watches, and
     * still ends up showing the final state.
     */
    @Test
    void aBusyPhaseCostsAnOpenPageNoFetchTheLivePartsArePushed() {
        StringBuilder busy = new StringBuilder("""
                name: dashboard-busy
                description: Quick steps, many events
                environments:
                  local: { connections: {} }
                phases:
                  - name: busy
                    steps:
                """);
        for (int i = 1; i <= 12; i++) {
            busy.append("      - { id: quick-").append(i).append(", type: command, with: { run: \"true\" } }\n");
        }
        RUNBOOKS.add("dashboard-busy.yaml", busy.toString());
        assertThat(api.post("operator", "/api/runbooks/reload", null).status()).isEqualTo(200);
        String id = createCutover("dashboard-busy");
        Page page = loggedIn("viewer", base(), 1366, 768);
        page.navigate(base() + "/cutovers/" + id);
        assertThat(page.locator("#feed .event")).hasCount(1);
        page.waitForTimeout(1500); // the page has settled
        AtomicInteger fetches = new AtomicInteger();
        page.onRequest(request -> {
            if (request.url().endsWith("/cutovers/" + id + "/live")) {
                fetches.incrementAndGet();
            }
        });

        long started = System.nanoTime();
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/busy/start", null).status()).isEqualTo(202);
        api.awaitState(id, "COMPLETED");
        assertThat(page.locator("#cutover-state")).hasText("completed"); // pushed after the burst
        double seconds = (System.nanoTime() - started) / 1e9;
        int events = page.locator("#feed .event").count();

        assertThat(fetches.get())
                .as("fetches of the live parts in %.1f s, while %d events arrived", seconds, events)
                .isZero();
    }

    @Test
    void aViewerHasNoApproveButtonAndAForgedApprovalFromItsSessionIsRefused() {
        String id = waitingAtTheGate();
        Page page = loggedIn("viewer", base(), 1366, 768);
        page.navigate(base() + "/cutovers/" + id);
        assertThat(page.locator("#waiting .banner")).isVisible();
        assertThat(page.locator("[data-open='dlg-approve']")).hasCount(0);
        assertThat(page.locator("button", new Page.LocatorOptions().setHasText("Approve"))).hasCount(0);

        // The viewer's own session and CSRF token: only the role is missing.
        Object status = page.evaluate("""
                async () => {
                  const token = document.querySelector('input[name=_csrf]').value;
                  const body = new URLSearchParams({ _csrf: token, comment: 'forged',
                      checkedItems: 'snapshot taken' });
                  body.append('checkedItems', 'TTL is 60 s');
                  const answer = await fetch(location.pathname + '/steps/go-no-go/approve',
                      { method: 'POST', body, headers: { Accept: 'application/json' } });
                  return answer.status + ' ' + (await answer.json()).detail;
                }""");
        assertThat((String) status).startsWith("403 ").contains("needs role APPROVER").contains("'viewer'");
        assertThat(stepState(api.get("viewer", "/api/cutovers/" + id).body(), "go-no-go")).isEqualTo("AWAITING_APPROVAL");

        Object withoutToken = page.evaluate("""
                async () => (await fetch(location.pathname + '/pause', { method: 'POST',
                    headers: { Accept: 'application/json' } })).status""");
        assertThat(withoutToken).isEqualTo(403);
    }

    @Test
    void anApproverApprovesTheGateFromThePageAndTheBannerGoes() throws Exception {
        String id = waitingAtTheGate();
        Page page = loggedIn("approver", base(), 1920, 1080);
        page.navigate(base() + "/cutovers/" + id);

        Locator banner = page.locator("#waiting .banner");
        assertThat(banner).isVisible();
        assertThat(banner).containsText("go-no-go");
        assertThat(banner).containsText("APPROVER");
        assertThat(banner).containsText("cto");
        screenshots(page, "cutover-awaiting-approval");

        page.locator("#waiting button[data-open='dlg-approve']").click();
        Locator dialog = page.locator("#dlg-approve");
        assertThat(dialog).isVisible();
        dialog.getByLabel("snapshot taken").check();
        dialog.getByLabel("TTL is 60 s").check();
        dialog.getByLabel("Comment").fill("bridge agrees, go");
        dialog.locator("button[type=submit]").click();

        assertThat(page.locator("#message")).containsText("approved");
        assertThat(page.locator("[data-step='go-no-go'] .state")).hasText("succeeded");
        assertThat(page.locator("[data-step='announce'] .state")).hasText("succeeded");
        assertThat(banner).hasCount(0);
        assertThat(page.locator("#cutover-state")).hasText("completed");
        assertThat(page.locator("#feed .event", new Page.LocatorOptions().setHasText("approved by approver")).first())
                .isVisible();

        JsonNode events = api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000").body();
        JsonNode approval = null;
        for (JsonNode event : events.path("events")) {
            if ("approve".equals(event.path("action").asString())) {
                approval = event;
            }
        }
        assertThat(approval).as("the approval is in the event log").isNotNull();
        assertThat(approval.path("actor").asString()).isEqualTo("approver");
        assertThat(approval.path("evidence").path("comment").asString()).isEqualTo("bridge agrees, go");
    }

    @Test
    void anOperatorSeesARefusalAsAReadableMessage() {
        String id = createCutover("dashboard-demo");
        Page page = loggedIn("operator", base(), 1366, 768);
        page.navigate(base() + "/cutovers/" + id);
        assertThat(page.locator("#feed .event")).hasCount(1);
        // Someone else starts the phase while this page's confirmation is open (the page holds its live
        // parts while a dialog is open): the page's click is refused.
        page.locator("button[data-open='dlg-start']").click();
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/warm-up/start", null).status()).isEqualTo(202);
        page.waitForTimeout(1500); // the new live parts have arrived and wait behind the dialog
        page.locator("#dlg-start button[type=submit]").click();
        assertThat(page.locator("#message")).containsText("Illegal transition");
        assertThat(page.locator("#message")).containsText("Cannot start-phase");
        api.awaitState(id, "READY");
    }

    @Test
    void whenTheStreamDropsThePageSaysSoReconnectsAndShowsEveryEventOnce() throws Exception {
        String id = createCutover("dashboard-demo");
        try (TcpRelay relay = new TcpRelay(port)) {
            String viaRelay = "http://127.0.0.1:" + relay.port();
            Page page = loggedIn("viewer", viaRelay, 1366, 768);
            page.navigate(viaRelay + "/cutovers/" + id);
            assertThat(page.locator("#feed .event")).hasCount(1);
            assertThat(page.locator("#stream-banner")).isHidden();

            relay.drop();
            assertThat(page.locator("#stream-banner")).isVisible(TWO_SECONDS);
            assertThat(page.locator("#stream-banner")).containsText("reconnecting");

            // Events appended while the page is cut off must arrive once it is back.
            assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/warm-up/start", null).status()).isEqualTo(202);
            api.awaitState(id, "READY");
            relay.restore();

            assertThat(page.locator("#stream-banner")).isHidden(new LocatorAssertions.IsHiddenOptions().setTimeout(15000));
            Set<Long> expected = eventIds(id);
            assertThat(page.locator("#feed .event")).hasCount(expected.size(),
                    new LocatorAssertions.HasCountOptions().setTimeout(5000));
            List<String> shown = page.locator("#feed .event").evaluateAll("items => items.map(i => i.dataset.id)")
                    instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
            assertThat(shown).doesNotHaveDuplicates();
            assertThat(shown.stream().map(Long::valueOf).toList()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(page.locator("#cutover-state")).hasText("ready");
        }
    }

    @Test
    void theReportOfARolledBackRehearsalOpensFromTheCutoverPageAndPrintsAsAPdf() throws Exception {
        if (api.get("viewer", "/api/runbooks/night-report").status() != 200) {
            RUNBOOKS.add("night-report.yaml", NightReportTests.RUNBOOK);
            assertThat(api.post("operator", "/api/runbooks/reload", null).status()).isEqualTo(200);
        }
        NightReportTests.night(api, "first night: bridge agrees");
        String id = NightReportTests.night(api, "bridge agrees, DBA on the call");
        Page page = loggedIn("viewer", base(), 1366, 768);
        page.navigate(base() + "/cutovers/" + id);
        assertThat(page.locator("#cutover-state")).hasText("rolled back");
        Files.createDirectories(BrowserPages.SCREENSHOTS);
        page.screenshot(new Page.ScreenshotOptions().setPath(BrowserPages.SCREENSHOTS.resolve("report-link-on-cutover-page.png")));

        page.locator("#summary a.report-link").click();
        assertThat(page).hasURL(base() + "/cutovers/" + id + "/report");
        assertThat(page.locator("h1")).containsText("night-report");
        assertThat(page.locator("#timeline tr[data-step='flaky']")).containsText("2");
        Locator approval = page.locator(".decision[data-action='approve']");
        assertThat(approval).containsText("approver");
        assertThat(approval).containsText("bridge agrees, DBA on the call");
        assertThat(approval).containsText("snapshot taken, TTL is 60 s");
        assertThat(page.locator("#evidence [data-step='go-no-go']")).containsText("approver");
        assertThat(page.locator("#failures")).containsText("attempt 1 of 2 failed");
        assertThat(page.locator("#rollback tbody tr").first()).containsText("leak-check");
        assertThat(page.locator("#comparison")).containsText("Total");
        assertThat(page.locator("#print-report")).isVisible();

        Files.createDirectories(BrowserPages.SCREENSHOTS);
        page.screenshot(new Page.ScreenshotOptions().setFullPage(true)
                .setPath(BrowserPages.SCREENSHOTS.resolve("report-1366-full.png")));
        page.setViewportSize(1920, 1080);
        page.screenshot(new Page.ScreenshotOptions().setPath(BrowserPages.SCREENSHOTS.resolve("report-1920x1080.png")));
        // What "Save as PDF" gives: the print stylesheet, A4, no toolbar.
        page.emulateMedia(new Page.EmulateMediaOptions().setMedia(com.microsoft.playwright.options.Media.PRINT));
        assertThat(page.locator("nav.toolbar")).isHidden();
        page.screenshot(new Page.ScreenshotOptions().setFullPage(true)
                .setPath(BrowserPages.SCREENSHOTS.resolve("report-print-full.png")));
        byte[] pdf = page.pdf(new Page.PdfOptions().setPath(BrowserPages.SCREENSHOTS.resolve("report.pdf"))
                .setPreferCSSPageSize(true).setPrintBackground(true));
        assertThat(new String(pdf, 0, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        assertThat(pdf.length).isGreaterThan(10_000);
    }

    private Set<Long> eventIds(String id) {
        Set<Long> ids = new HashSet<>();
        for (JsonNode event : api.get("viewer", "/api/cutovers/" + id + "/events?limit=1000").body().path("events")) {
            ids.add(event.path("id").asLong());
        }
        return ids;
    }

    /** A cutover whose warm-up phase ran and whose go phase waits at the manual gate. */
    private String waitingAtTheGate() {
        String id = createCutover("dashboard-demo");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/warm-up/start", null).status()).isEqualTo(202);
        api.awaitState(id, "READY");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/go/start", null).status()).isEqualTo(202);
        api.awaitState(id, "AWAITING_APPROVAL");
        return id;
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private Page loggedIn(String user, String base, int width, int height) {
        return browsers.loggedIn(user, base, width, height);
    }

    private static void screenshots(Page page, String name) throws Exception {
        BrowserPages.screenshots(page, name, false, shown -> { });
    }
}
