package dev.cutover.system;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * Users of the service, from configuration. Passwords are bcrypt hashes ({@code {bcrypt}$2a$...});
 * each can be overridden by environment, e.g. {@code CUTOVER_SECURITY_USERS_1_PASSWORD}. Single
 * sign-on is optional: {@code oidc} logs the dashboard in through an OpenID Connect provider,
 * {@code jwt} lets the API take the provider's bearer tokens; both stay off until configured, and
 * both map the same claim to roles.
 */
@ConfigurationProperties("cutover.security")
public record SecurityProperties(List<User> users, Oidc oidc, Jwt jwt) {

    /** Our roles; a claim value is mapped to one of these or to none. */
    public static final List<String> ROLES = List.of("VIEWER", "OPERATOR", "APPROVER");

    @ConstructorBinding
    public SecurityProperties {
        users = users == null ? List.of() : List.copyOf(users);
        oidc = oidc == null ? Oidc.OFF : oidc;
        jwt = jwt == null ? Jwt.OFF : jwt;
    }

    /** Form and Basic users only (no single sign-on). */
    public SecurityProperties(List<User> users) {
        this(users, null, null);
    }

    /** One user; roles are VIEWER, OPERATOR and APPROVER. */
    public record User(String name, String password, List<String> roles) {

        public User {
            roles = roles == null ? List.of() : List.copyOf(roles);
        }

        @Override
        public String toString() {
            return "User[name=" + name + ", roles=" + roles + "]";
        }
    }

    /**
     * OpenID Connect login for the dashboard, on when {@code issuer-uri} and {@code client-id} are set.
     * {@code client-secret} should come from the environment ({@code CUTOVER_SECURITY_OIDC_CLIENTSECRET}
     * or {@code ${SOME_ENV}}); it is never logged. {@code roles-claim} is a claim name or a dotted path
     * into nested claims ({@code realm_access.roles}); {@code role-mapping} maps its values to our roles
     * (a value that already is VIEWER, OPERATOR or APPROVER counts as itself); {@code default-role} is
     * given to a user none of whose values is mapped (none by default: such a user is refused).
     */
    public record Oidc(String issuerUri, String clientId, String clientSecret, String displayName,
                       List<String> scopes, String rolesClaim, Map<String, List<String>> roleMapping,
                       String defaultRole) {

        static final Oidc OFF = new Oidc(null, null, null, null, null, null, null, null);

        public Oidc {
            displayName = blank(displayName) ? "single sign-on" : displayName.strip();
            scopes = scopes == null || scopes.isEmpty() ? List.of("openid", "profile", "email") : List.copyOf(scopes);
            rolesClaim = blank(rolesClaim) ? "roles" : rolesClaim.strip();
            roleMapping = roleMapping == null ? Map.of() : copy(roleMapping);
            defaultRole = blank(defaultRole) ? null : defaultRole.strip();
        }

        public boolean enabled() {
            return !blank(issuerUri) && !blank(clientId);
        }

        @Override
        public String toString() {
            return "Oidc[issuerUri=" + issuerUri + ", clientId=" + clientId + ", clientSecret="
                    + (blank(clientSecret) ? "(none)" : "(set)") + ", displayName=" + displayName + ", rolesClaim="
                    + rolesClaim + ", roleMapping=" + roleMapping + ", defaultRole=" + defaultRole + "]";
        }

        private static Map<String, List<String>> copy(Map<String, List<String>> mapping) {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            mapping.forEach((value, roles) -> copy.put(value, roles == null ? List.of() : List.copyOf(roles)));
            return java.util.Collections.unmodifiableMap(copy);
        }
    }

    /**
     * Bearer JWTs for the API, on when {@code issuer-uri} or {@code jwk-set-uri} is set. With an
     * {@code audience}, a token must name it in {@code aud}. Roles come from the claim and mapping
     * of {@link Oidc}.
     */
    public record Jwt(String issuerUri, String jwkSetUri, String audience) {

        static final Jwt OFF = new Jwt(null, null, null);

        public boolean enabled() {
            return !blank(issuerUri) || !blank(jwkSetUri);
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
