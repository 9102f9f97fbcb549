package dev.cutover.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.ServiceTest;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The dashboard's browser-facing defences over real HTTP: a Content-Security-Policy that allows no
 * inline script (and templates that need none), a session cookie that scripts cannot read and other
 * sites do not send, CSRF tokens on the login and logout forms, and a user locked out for a while
 * after repeated wrong passwords — on the form and on HTTP Basic alike, right password or not.
 */
class DashboardHardeningTests extends ServiceTest {

    private static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern EVENT_HANDLER = Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);
    private static final Pattern SESSION_ID = Pattern.compile("^(SESSION|JSESSIONID)=([^;]+)");

    @Autowired
    LoginAttempts attempts;

    @AfterEach
    void forgetFailures() {
        attempts.forgetAll();
    }

    @Test
    void pagesCarryAContentSecurityPolicyWithoutInlineScript() throws Exception {
        String id = createCutover("walkthrough");
        Session session = login("viewer", "viewer");
        for (String path : List.of("/login", "/", "/cutovers/" + id, "/cutovers/" + id + "/report")) {
            HttpResponse<String> page = session.get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(policy).as(path).contains("default-src 'self'", "script-src 'self'", "object-src 'none'",
                    "frame-ancestors 'none'");
            assertThat(directive(policy, "script-src")).as(path).doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(INLINE_SCRIPT.matcher(page.body()).find()).as(path + " has an inline <script>").isFalse();
            assertThat(EVENT_HANDLER.matcher(page.body()).find()).as(path + " has an on...= handler").isFalse();
        }
    }

    @Test
    void noTemplateHasInlineScriptOrEventHandlerAttributes() throws IOException {
        try (Stream<Path> templates = Files.list(Path.of("src/main/resources/templates"))) {
            for (Path template : templates.toList()) {
                String html = Files.readString(template);
                assertThat(INLINE_SCRIPT.matcher(html).find()).as(template + " has an inline <script>").isFalse();
                assertThat(EVENT_HANDLER.matcher(html).find()).as(template + " has an on...= handler").isFalse();
            }
        }
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSite() throws Exception {
        HttpResponse<String> form = api.client().send(api.request(null, "/login").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> cookies = form.headers().allValues("Set-Cookie");
        assertThat(cookies).as("the login page starts a session for its CSRF token").isNotEmpty();
        for (String cookie : cookies) {
            assertThat(cookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax");
        }
        Session session = login("viewer", "viewer");
        assertThat(session.setCookies()).allSatisfy(cookie ->
                assertThat(cookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax"));
    }

    @Test
    void theLoginAndLogoutFormsWantTheirCsrfToken() throws Exception {
        HttpResponse<String> withoutToken = api.client().send(api.request(null, "/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=viewer&password=viewer")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withoutToken.statusCode()).isEqualTo(403);

        Session session = login("viewer", "viewer");
        HttpResponse<String> logout = session.post("/logout", "");
        assertThat(logout.statusCode()).as("a logout without the token is refused").isEqualTo(403);
        assertThat(session.get("/").statusCode()).as("still logged in").isEqualTo(200);
    }

    @Test
    void repeatedWrongPasswordsLockTheUserForAWhileOnTheFormAndOnBasic() throws Exception {
        try {
            lockTheViewerOut();
        } finally {
            attempts.forgetAll(); // the shared service's other tests sign in as viewer too
        }
        assertThat(api.get("viewer", "/api/cutovers").status()).isEqualTo(200);
    }

    private void lockTheViewerOut() throws Exception {
        for (int i = 0; i < 5; i++) {
            Session failed = login("viewer", "wrong-" + i);
            assertThat(failed.location()).endsWith("/login?error");
        }
        Session locked = login("viewer", "viewer");
        assertThat(locked.location()).as("the right password while locked").endsWith("/login?locked");
        assertThat(locked.retryAfter()).isPositive();
        HttpResponse<String> page = api.client().send(api.request(null, "/login?locked").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("Too many failed sign-ins", "try again");

        Api.Answer basic = api.get("viewer", "/api/cutovers");
        assertThat(basic.status()).isEqualTo(429);
        assertThat(basic.contentType()).startsWith("application/problem+json");
        assertThat(basic.body().path("detail").asString()).contains("viewer", "try again");
        assertThat(basic.text()).doesNotContain("wrong-");

        assertThat(api.get("operator", "/api/cutovers").status()).as("other users are not locked").isEqualTo(200);
    }

    private static String directive(String policy, String name) {
        for (String directive : policy.split(";")) {
            if (directive.strip().startsWith(name + " ")) {
                return directive.strip();
            }
        }
        return "";
    }

    /** Logs in through the form as a browser would: the login page's cookie and CSRF token, then the POST. */
    private Session login(String user, String password) throws Exception {
        HttpResponse<String> form = api.client().send(api.request(null, "/login").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String cookie = sessionCookie(form.headers().allValues("Set-Cookie"));
        Matcher token = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"|value=\"([^\"]+)\"\\s+name=\"_csrf\"")
                .matcher(form.body());
        assertThat(token.find()).as("CSRF token on the login form").isTrue();
        String csrf = token.group(1) != null ? token.group(1) : token.group(2);
        String body = "username=" + enc(user) + "&password=" + enc(password) + "&_csrf=" + enc(csrf);
        HttpResponse<String> answer = api.client().send(api.request(null, "/login").header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        List<String> setCookies = answer.headers().allValues("Set-Cookie");
        String after = setCookies.isEmpty() ? cookie : sessionCookie(setCookies);
        return new Session(after, answer, setCookies);
    }

    private static String sessionCookie(List<String> setCookies) {
        for (String setCookie : setCookies) {
            Matcher id = SESSION_ID.matcher(setCookie);
            if (id.find()) {
                return id.group(1) + "=" + id.group(2);
            }
        }
        throw new AssertionError("no session cookie in " + setCookies);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private final class Session {
        private final String cookie;
        private final HttpResponse<String> login;
        private final List<String> setCookies;

        Session(String cookie, HttpResponse<String> login, List<String> setCookies) {
            this.cookie = cookie;
            this.login = login;
            this.setCookies = setCookies;
        }

        String location() {
            return login.headers().firstValue("Location").orElse("");
        }

        long retryAfter() {
            return login.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L);
        }

        List<String> setCookies() {
            return setCookies;
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return api.client().send(api.request(null, path).header("Cookie", cookie).header("Accept", "text/html")
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, String form) throws IOException, InterruptedException {
            return api.client().send(api.request(null, path).header("Cookie", cookie)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
