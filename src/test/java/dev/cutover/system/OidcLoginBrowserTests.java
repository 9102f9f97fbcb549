package dev.cutover.system;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.cutover.testsupport.BrowserPages;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard's OpenID Connect login in a real headless Chromium: the whole authorization code
 * flow through the test's provider (it answers the authorization request at once, as a provider does
 * for someone already logged in there), ending on the dashboard as the mapped person. A person with
 * no mapped role gets a page that says so.
 */
@ExtendWith(OutputCaptureExtension.class)
class OidcLoginBrowserTests extends SingleSignOnTest {

    @RegisterExtension
    static final BrowserPages browsers = new BrowserPages();


    @Autowired
    private JdbcTemplate jdbc;

    @Test
    void anApproverSignsInThroughTheProviderSeesTheirButtonsAndApprovesUnderTheirName(CapturedOutput output)
            throws Exception {
        String id = waitingAtTheGate();
        PROVIDER.enqueueCallback(tokens(CLIENT_ID, person("alice.approver", "alice@example.com", "cutover-approvers"),
                3600));
        Page page = page();

        page.navigate(base() + "/cutovers/" + id);
        assertThat(page).hasURL(base() + "/login");
        Locator sso = page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Sign in with Test IdP"));
        assertThat(sso).isVisible();
        BrowserPages.screenshot(page, "login-with-sso-1366x768.png", false);
        sso.click();

        assertThat(page).hasURL(base() + "/cutovers/" + id + "?continue");
        assertThat(page.locator(".who")).containsText("alice.approver");
        assertThat(page.locator(".who")).containsText("approver");
        Locator approve = page.locator("#waiting button[data-open='dlg-approve']");
        assertThat(approve).isVisible();
        assertThat(page.locator("#cutover-state")).hasText("awaiting approval");
        Integer sessions = jdbc.queryForObject("select count(*) from SPRING_SESSION where PRINCIPAL_NAME = ?",
                Integer.class, "alice.approver");
        assertThat(sessions).as("the session is in the database, like a form login's").isEqualTo(1);

        approve.click();
        Locator dialog = page.locator("#dlg-approve");
        dialog.getByLabel("snapshot taken").check();
        dialog.getByLabel("Comment").fill("go, signed in through the provider");
        dialog.locator("button[type=submit]").click();
        assertThat(page.locator("#cutover-state")).hasText("completed");

        JsonNode approval = null;
        for (JsonNode event : api.get("viewer", "/api/cutovers/" + id + "/events?limit=100").body().path("events")) {
            if ("approve".equals(event.path("action").asString())) {
                approval = event;
            }
        }
        assertThat(approval).isNotNull();
        assertThat(approval.path("actor").asString()).isEqualTo("alice.approver");

        page.locator("header form button", new Page.LocatorOptions().setHasText("Log out")).click();
        assertThat(page).hasURL(base() + "/login?logout");
        assertThat(jdbc.queryForObject("select count(*) from SPRING_SESSION where PRINCIPAL_NAME = ?", Integer.class,
                "alice.approver")).as("logout ends the local session").isZero();
        page.navigate(base() + "/");
        assertThat(page).hasURL(base() + "/login");
        assertThat(output.getAll()).as("the client secret is never logged").doesNotContain(CLIENT_SECRET);
    }

    @Test
    void aPersonWithoutAMappedRoleIsToldSoOnAReadablePage() throws Exception {
        PROVIDER.enqueueCallback(tokens(CLIENT_ID, person("mallory", "mallory@example.com", "finance", "offline_access"),
                3600));
        Page page = page();
        List<Integer> callbackStatuses = new CopyOnWriteArrayList<>();
        page.onResponse(response -> {
            if (response.url().startsWith(base() + "/login/oauth2/code/")) {
                callbackStatuses.add(response.status());
            }
        });

        page.navigate(base() + "/login");
        page.getByText("Sign in with Test IdP").click();

        assertThat(page.locator("h1")).hasText("Signed in, but no role here");
        assertThat(page.locator("main")).containsText("mallory");
        assertThat(page.locator("main")).containsText("realm_access.roles");
        assertThat(page.locator("main")).containsText("finance");
        assertThat(page.locator("main")).containsText("cutover-approvers");
        assertThat(callbackStatuses).containsExactly(403);
        BrowserPages.screenshot(page, "sso-no-role-1366x768.png", false);

        page.navigate(base() + "/");
        assertThat(page).hasURL(base() + "/login"); // no session was made for them
    }

    private String waitingAtTheGate() {
        var created = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"sso-demo\",\"environment\":\"local\",\"rehearsal\":true}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.body().path("id").asString();
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/warm-up/start", null).status()).isEqualTo(202);
        api.awaitState(id, "READY");
        assertThat(api.post("operator", "/api/cutovers/" + id + "/phases/go/start", null).status()).isEqualTo(202);
        api.awaitState(id, "AWAITING_APPROVAL");
        return id;
    }

    private Page page() {
        return browsers.page(1366, 768);
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
