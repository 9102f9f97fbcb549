package dev.cutover.system;

import dev.cutover.testsupport.Api;
import dev.cutover.testsupport.TestRunbooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole service with single sign-on switched on, against a real OpenID Connect provider on
 * loopback (NAV's mock-oauth2-server: discovery, JWKS, authorization code flow, signed tokens). Roles
 * come from a nested claim as Keycloak puts them ({@code realm_access.roles}); {@code cutover-approvers}
 * maps to APPROVER, and values that already are our role names count as themselves. Its own
 * context: the shared {@code ServiceTest} one stays as it is.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class SingleSignOnTest {

    static final String ISSUER_ID = "cutover-idp";
    static final String CLIENT_ID = "cutover-dashboard";
    static final String API_AUDIENCE = "cutover-api";
    static final String CLIENT_SECRET = "fake-client-secret-of-the-test-provider";
    static final TestRunbooks RUNBOOKS = TestRunbooks.create();
    static final MockOAuth2Server PROVIDER = startProvider();

    static final String RUNBOOK = """
            name: sso-demo
            description: A quick step and a manual gate, for the single sign-on tests
            environments:
              local: { connections: {} }
            phases:
              - name: warm-up
                steps:
                  - { id: settle, type: wait, owner: devops-lead, with: { duration: 1s } }
              - name: go
                steps:
                  - id: go-no-go
                    type: manual
                    owner: cto
                    with: { instructions: "Say go", checklist: ["snapshot taken"] }
            """;

    @LocalServerPort
    int port;

    Api api;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        RUNBOOKS.add("sso-demo.yaml", RUNBOOK);
        registry.add("cutover.runbooks.location", () -> RUNBOOKS.runbooks().toString());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:single-sign-on;DB_CLOSE_DELAY=-1");
        registry.add("cutover.security.oidc.issuer-uri", SingleSignOnTest::issuer);
        registry.add("cutover.security.oidc.client-id", () -> CLIENT_ID);
        registry.add("cutover.security.oidc.client-secret", () -> CLIENT_SECRET);
        registry.add("cutover.security.oidc.display-name", () -> "Test IdP");
        registry.add("cutover.security.oidc.roles-claim", () -> "realm_access.roles");
        registry.add("cutover.security.oidc.role-mapping.cutover-approvers", () -> "APPROVER");
        registry.add("cutover.security.jwt.issuer-uri", SingleSignOnTest::issuer);
        registry.add("cutover.security.jwt.audience", () -> API_AUDIENCE);
    }

    @BeforeEach
    void api() {
        api = new Api(port);
    }

    static String issuer() {
        return PROVIDER.issuerUrl(ISSUER_ID).toString();
    }

    /** The claims the provider puts in a person's tokens: a readable name, an opaque sub, roles nested. */
    static Map<String, Object> person(String preferredUsername, String email, String... roles) {
        Map<String, Object> claims = new java.util.LinkedHashMap<>();
        if (preferredUsername != null) {
            claims.put("preferred_username", preferredUsername);
        }
        if (email != null) {
            claims.put("email", email);
        }
        claims.put("realm_access", Map.of("roles", List.of(roles)));
        return claims;
    }

    static DefaultOAuth2TokenCallback tokens(String audience, Map<String, Object> claims, long expirySeconds) {
        return new DefaultOAuth2TokenCallback(ISSUER_ID, "sub-" + UUID.randomUUID(), "JWT", List.of(audience), claims,
                expirySeconds);
    }

    private static MockOAuth2Server startProvider() {
        MockOAuth2Server provider = new MockOAuth2Server();
        provider.start();
        Runtime.getRuntime().addShutdownHook(new Thread(provider::shutdown, "mock-oauth2-server-stop"));
        // Its first answer loads half of Kotlin and Nimbus; on a busy machine that alone can outlast the
        // service's 5 s read timeout for the discovery document, so the first test would see a 500.
        try {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    provider.wellKnownUrl(ISSUER_ID).toString())).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            throw new IllegalStateException("the test's OpenID provider does not answer", e);
        }
        return provider;
    }
}
