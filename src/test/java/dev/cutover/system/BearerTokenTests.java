package dev.cutover.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.cutover.testsupport.Api;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scripts and CI pipelines call the API with the provider's bearer JWTs, next to HTTP Basic: roles
 * from the token's claim, the actor in the event log named by the token's readable name, and every
 * refusal a problem+json that says why without repeating the token.
 */
class BearerTokenTests extends SingleSignOnTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void anOperatorsTokenCreatesACutoverAndStartsAPhaseAndTheEventLogNamesThePerson() {
        String token = token(person(null, "bob@example.com", "OPERATOR"), 300);

        Answer created = post(token, "/api/cutovers", "{\"runbook\":\"sso-demo\",\"environment\":\"local\",\"rehearsal\":true}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.body().path("id").asString();
        Answer started = post(token, "/api/cutovers/" + id + "/phases/warm-up/start", null);
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        api.awaitState(id, "READY"); // Basic still works in the same context

        JsonNode events = get(token, "/api/cutovers/" + id + "/events?limit=100").body().path("events");
        assertThat(events.findValuesAsString("actor")).as("no opaque sub, no token: the person's e-mail")
                .contains("bob@example.com").noneMatch(actor -> actor.startsWith("sub-"));
    }

    @Test
    void aViewersTokenReadsButItsPostIsRefusedNamingTheRoleItNeeds() {
        String id = createCutover();
        String token = token(person("vera", "vera@example.com", "VIEWER"), 300);

        assertThat(get(token, "/api/cutovers/" + id).status()).isEqualTo(200);
        Answer refused = post(token, "/api/cutovers/" + id + "/phases/warm-up/start", null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body().path("detail").asString()).contains("needs role OPERATOR").contains("'vera'");
    }

    @Test
    void aTokenWithoutAMappedRoleIsRefusedSayingSo() {
        String token = token(person("nobody", null, "some-other-group"), 300);
        Answer refused = get(token, "/api/cutovers");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body().path("detail").asString()).contains("needs role VIEWER").contains("'nobody'")
                .contains("has no role");
    }

    @Test
    void anExpiredTokenIsRefusedWithWhenItExpired() {
        Map<String, Object> claims = new java.util.HashMap<>(person("olga", null, "OPERATOR"));
        long anHourAgo = Instant.now().minusSeconds(3600).getEpochSecond();
        claims.put("iat", anHourAgo - 600);
        claims.put("nbf", anHourAgo - 600);
        String token = token(claims, -3600); // issued 70 minutes ago, expired 60 minutes ago
        Answer refused = get(token, "/api/cutovers");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body().path("detail").asString()).startsWith("The bearer token expired at 20")
                .doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefused() throws Exception {
        String genuine = token(person("olga", null, "OPERATOR"), 300);
        String keyId = SignedJWT.parse(genuine).getHeader().getKeyID();
        RSAKey other = new RSAKeyGenerator(2048).keyID(keyId).generate(); // same key id, different key
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId)
                .type(JOSEObjectType.JWT).build(), JWTClaimsSet.parse(SignedJWT.parse(genuine).getJWTClaimsSet().toJSONObject()));
        forged.sign(new RSASSASigner(other));

        Answer refused = get(forged.serialize(), "/api/cutovers");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body().path("detail").asString()).contains("signature does not match any key of " + issuer())
                .doesNotContain(forged.serialize());
    }

    @Test
    void aTokenForAnotherAudienceOrFromAnotherIssuerIsRefused() throws Exception {
        Answer otherAudience = get(PROVIDER.issueToken(ISSUER_ID, CLIENT_ID,
                tokens("some-other-api", person("olga", null, "OPERATOR"), 300)).serialize(), "/api/cutovers");
        assertThat(otherAudience.status()).isEqualTo(401);
        assertThat(otherAudience.body().path("detail").asString()).contains("not meant for this service")
                .contains(API_AUDIENCE);

        Map<String, Object> elsewhere = new java.util.HashMap<>(person("olga", null, "OPERATOR"));
        elsewhere.put("iss", "https://idp.elsewhere.example/realms/other"); // the right key, another issuer's name
        Answer otherIssuer = get(token(elsewhere, 300), "/api/cutovers");
        assertThat(otherIssuer.status()).isEqualTo(401);
        assertThat(otherIssuer.body().path("detail").asString()).isEqualTo("The bearer token was not issued by "
                + issuer() + ".");
    }

    @Test
    void garbageInTheBearerHeaderIsRefusedWithoutBeingRepeated() {
        Answer refused = get("not-a-jwt-but-a-secret-looking-string", "/api/cutovers");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.text()).doesNotContain("not-a-jwt-but-a-secret-looking-string");
    }

    @Test
    void httpBasicStillWorksAndAnAnonymousCallIsToldBothWaysIn() {
        assertThat(api.get("viewer", "/api/cutovers").status()).isEqualTo(200);
        Api.Answer anonymous = api.get(null, "/api/cutovers");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.body().path("detail").asString()).contains("HTTP Basic").contains("bearer token");
    }

    private String createCutover() {
        Api.Answer created = api.post("operator", "/api/cutovers",
                "{\"runbook\":\"sso-demo\",\"environment\":\"local\",\"rehearsal\":true}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.body().path("id").asString();
    }

    static String token(Map<String, Object> claims, long expirySeconds) {
        return PROVIDER.issueToken(ISSUER_ID, CLIENT_ID, tokens(API_AUDIENCE, claims, expirySeconds)).serialize();
    }

    record Answer(int status, String contentType, JsonNode body, String text) {
    }

    private Answer get(String token, String path) {
        return send(token, api.request(null, path).GET());
    }

    private Answer post(String token, String path, String json) {
        return send(token, api.request(null, path).header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
    }

    private Answer send(String token, HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = api.client().send(request.header("Authorization", "Bearer " + token)
                    .build(), HttpResponse.BodyHandlers.ofString());
            String type = response.headers().firstValue("Content-Type").orElse("");
            JsonNode body = type.contains("json") && !response.body().isEmpty() ? JSON.readTree(response.body()) : null;
            return new Answer(response.statusCode(), type, body, response.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
