package dev.cutover.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The two ways in side by side, over real HTTP: the page's paths send a browser to the login form,
 * the API and the event stream keep answering scripts with HTTP Basic and problem+json as before,
 * and the dashboard's POSTs want the page's CSRF token whatever the credentials.
 */
class DashboardSecurityTests extends ServiceTest {

    @Test
    void aBrowserWithoutASessionIsSentToTheLoginPage() throws Exception {
        HttpResponse<String> page = api.client().send(api.request(null, "/").header("Accept", "text/html").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location").orElse("")).endsWith("/login");

        HttpResponse<String> login = api.client().send(api.request(null, "/login").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("name=\"_csrf\"").contains("name=\"username\"");
    }

    @Test
    void theEventStreamStillTakesHttpBasicAndAnswers401AsProblemWithoutIt() throws Exception {
        String id = createCutover("walkthrough");
        HttpRequest basic = api.request("viewer", "/api/cutovers/" + id + "/events/stream")
                .timeout(Duration.ofSeconds(10)).header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> stream = api.client().send(basic, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            assertThat(lines.readLine()).startsWith("id:");
            assertThat(stream.headers().allValues("Set-Cookie")).as("Basic creates no session").isEmpty();
        }

        Api.Answer anonymous = api.get(null, "/api/cutovers/" + id + "/events/stream");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).startsWith("application/problem+json");
    }

    @Test
    void theDashboardsPostsWantThePagesCsrfTokenEvenWithBasicCredentials() {
        String id = createCutover("walkthrough");
        Api.Answer withoutToken = api.post("operator", "/cutovers/" + id + "/phases/prepare/start", null);
        assertThat(withoutToken.status()).isEqualTo(403);
        assertThat(withoutToken.contentType()).startsWith("application/problem+json");
        assertThat(withoutToken.body().path("detail").asString()).contains("reload the page");
        assertThat(api.get("viewer", "/api/cutovers/" + id).body().path("state").asString()).isEqualTo("READY");
    }
}
