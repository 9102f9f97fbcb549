package dev.cutover.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.TestRunbooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Single sign-on configured, provider down (nothing listens at its address): the service starts, the
 * form and Basic still work, the provider's button brings the person back to the login page with a
 * message, and a bearer token gets 503 problem+json, not a 500.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ProviderDownTests {

    private static final String NOBODY_HOME = "http://127.0.0.1:" + closedPort() + "/realms/ops";

    @LocalServerPort
    int port;

    Api api;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("cutover.runbooks.location", () -> TestRunbooks.create().runbooks().toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:provider-down;DB_CLOSE_DELAY=-1");
        registry.add("cutover.security.oidc.issuer-uri", () -> NOBODY_HOME);
        registry.add("cutover.security.oidc.client-id", () -> "cutover-dashboard");
        registry.add("cutover.security.oidc.display-name", () -> "Ops SSO");
        registry.add("cutover.security.jwt.issuer-uri", () -> NOBODY_HOME);
    }

    @BeforeEach
    void api() {
        api = new Api(port);
    }

    @Test
    void theButtonBringsThePersonBackToTheFormWithAMessage() throws Exception {
        HttpResponse<String> start = api.client().send(api.request(null, "/oauth2/authorization/sso")
                .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(start.statusCode()).isEqualTo(302);
        assertThat(start.headers().firstValue("Location").orElse("")).endsWith("/login?sso-failed");

        HttpResponse<String> login = api.client().send(api.request(null, "/login?sso-failed").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.body()).contains("Sign-in with <span>Ops SSO</span> did not complete")
                .contains("Sign in with Ops SSO").contains("name=\"username\"")
                .contains("HTTP Basic<span> or a bearer token from the provider</span>");
        assertThat(api.get("viewer", "/api/cutovers").status()).as("Basic still works").isEqualTo(200);
    }

    @Test
    void aBearerTokenGets503WhileTheProvidersKeysCannotBeFetched() throws Exception {
        HttpResponse<String> answer = api.client().send(api.request(null, "/api/cutovers")
                .header("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(answer.body()).contains("could not be fetched").doesNotContain("c2lnbmF0dXJl");
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
