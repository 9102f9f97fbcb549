package dev.cutover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import tools.jackson.databind.json.JsonMapper;

/**
 * When the provider's keys cannot be fetched the token is not at fault: the API answers 503 with
 * Retry-After as problem+json (Spring Security alone would answer 500), and the service still starts.
 */
class BearerTokensProviderDownTests {

    private static final String SOME_JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ4IiwiZXhwIjo0MTAyNDQ0ODAwfQ."
            + "c2lnbmF0dXJlLW9mLW5vLWtleQ";

    @Test
    void keysThatCannotBeFetchedAnswer503NotTheTokensFault() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String jwks = "http://127.0.0.1:" + closedPort + "/jwks";
        SecurityProperties.Jwt jwt = new SecurityProperties.Jwt(null, jwks, null);
        BearerTokens tokens = new BearerTokens(jwt, SecurityProperties.Oidc.OFF);

        BearerTokens.ProviderUnreachable unreachable = catchThrowableOfType(BearerTokens.ProviderUnreachable.class,
                () -> tokens.decoder().decode(SOME_JWT));
        assertThat(unreachable).hasMessageContaining(jwks);

        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/cutovers");
        request.addHeader("Authorization", "Bearer " + SOME_JWT);
        MockHttpServletResponse response = new MockHttpServletResponse();
        ProblemWriter problems = new ProblemWriter(JsonMapper.builder().build(),
                new SecurityProperties(List.of(), null, jwt));
        tokens.refused(problems, request, response, new InvalidBearerTokenException("refused", unreachable));

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("30");
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(response.getContentAsString()).contains("could not be fetched").doesNotContain(SOME_JWT);
    }
}
