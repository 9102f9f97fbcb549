package dev.cutover.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One browser for the benchmarks: its own cookie jar, logged in once through the login form (the
 * session cookie then carries every request, as in a real browser), pages fetched as text/html and
 * the dashboard's POSTs sent with the page's CSRF token.
 */
final class BrowserSession {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

    private final String base;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient client;

    private BrowserSession(int port) {
        this.base = "http://127.0.0.1:" + port;
        this.client = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** GET /login for the form's CSRF token, POST it with the user's name and password (dev users: the name). */
    static BrowserSession login(int port, String user) {
        BrowserSession browser = new BrowserSession(port);
        HttpResponse<String> form = browser.get("/login");
        String token = csrf(form.body());
        HttpResponse<String> answer = browser.postForm("/login", "username=" + user + "&password=" + user
                + "&_csrf=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        String location = answer.headers().firstValue("Location").orElse("");
        if (answer.statusCode() != 302 || location.contains("error")) {
            throw new IllegalStateException("login as " + user + " failed: " + answer.statusCode() + " " + location);
        }
        return browser;
    }

    static String csrf(String html) {
        Matcher matcher = CSRF.matcher(html);
        if (!matcher.find()) {
            throw new IllegalStateException("no CSRF token in the page");
        }
        return matcher.group(1);
    }

    HttpResponse<String> get(String path) {
        return send(page(path).GET().build());
    }

    CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return client.sendAsync(page(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postForm(String path, String form) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    /** The Cookie header this browser sends (the session cookie), for a stream read over a raw socket. */
    String cookieHeader() {
        return cookies.getCookieStore().get(URI.create(base)).stream().map(HttpCookie::toString)
                .collect(Collectors.joining("; "));
    }

    private HttpRequest.Builder page(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "text/html");
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
