package dev.cutover.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.ServiceTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Without {@code cutover.security.jwt} (the shared service context), a bearer token is no way in:
 * the API answers as it does to anybody without credentials, and the login page offers no provider.
 */
class BearerTokensOffTests extends ServiceTest {

    @Test
    void aBearerTokenIsRefusedLikeNoCredentialsAtAll() throws Exception {
        HttpResponse<String> bearer = api.client().send(api.request(null, "/api/cutovers")
                .header("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bearer.statusCode()).isEqualTo(401);
        assertThat(bearer.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(bearer.headers().allValues("WWW-Authenticate")).containsExactly("Basic realm=\"cutover\"");
        assertThat(bearer.body()).isEqualTo(api.get(null, "/api/cutovers").text());
    }

    @Test
    void theLoginPageOffersNoProviderAndTheLoginFlowPathsAreNotThere() throws Exception {
        HttpResponse<String> login = api.client().send(api.request(null, "/login").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.body()).doesNotContain("Sign in with").doesNotContain("bearer token")
                .contains("name=\"username\"");
        assertThat(api.get(null, "/oauth2/authorization/sso").status()).isEqualTo(401);
    }
}
