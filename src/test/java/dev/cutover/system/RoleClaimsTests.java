package dev.cutover.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a roles claim becomes our roles, and which claim names the person, for Keycloak- and Entra-style tokens. */
class RoleClaimsTests {

    @Test
    void keycloakRealmRolesNestedUnderRealmAccess() {
        RoleClaims claims = new RoleClaims(oidc("realm_access.roles", Map.of("cutover-approvers", List.of("APPROVER")),
                null));
        assertThat(claims.roles(Map.of("realm_access", Map.of("roles", List.of("offline_access", "cutover-approvers")))))
                .containsExactly("APPROVER");
        assertThat(claims.roles(Map.of("realm_access", "not a map"))).isEmpty();
        assertThat(claims.roles(Map.of())).isEmpty();
    }

    @Test
    void entraAppRolesAtTheTopLevelOneValueMayGiveSeveralRoles() {
        RoleClaims claims = new RoleClaims(oidc(null, Map.of("Cutover.Lead", List.of("OPERATOR", "APPROVER")), null));
        assertThat(claims.roles(Map.of("roles", List.of("Cutover.Lead")))).containsExactly("OPERATOR", "APPROVER");
        assertThat(claims.roles(Map.of("roles", "VIEWER"))).as("a single string, already our role name")
                .containsExactly("VIEWER");
    }

    @Test
    void theDefaultRoleIsGivenOnlyWhenNothingIsMapped() {
        RoleClaims claims = new RoleClaims(oidc(null, Map.of("ops", List.of("OPERATOR")), "VIEWER"));
        assertThat(claims.roles(Map.of("roles", List.of("sales")))).containsExactly("VIEWER");
        assertThat(claims.roles(Map.of("roles", List.of("ops")))).containsExactly("OPERATOR");
    }

    @Test
    void aMappingToAnUnknownRoleStopsTheStartWithTheRolesThatExist() {
        assertThatThrownBy(() -> new RoleClaims(oidc(null, Map.of("ops", List.of("ADMIN")), null)))
                .hasMessageContaining("'ADMIN'").hasMessageContaining("[VIEWER, OPERATOR, APPROVER]");
    }

    @Test
    void thePersonIsNamedByPreferredUsernameElseEmailElseSub() {
        assertThat(RoleClaims.name(Map.of("sub", "8f3a", "email", "bob@example.com", "preferred_username", "bob")))
                .isEqualTo("bob");
        assertThat(RoleClaims.name(Map.of("sub", "8f3a", "email", "bob@example.com"))).isEqualTo("bob@example.com");
        assertThat(RoleClaims.name(Map.of("sub", "8f3a", "preferred_username", " "))).isEqualTo("8f3a");
    }

    @Test
    void theClientSecretNeverShowsInTheProperties() {
        SecurityProperties.Oidc oidc = new SecurityProperties.Oidc("https://idp.example", "cutover", "hunter2-secret",
                null, null, null, null, null);
        assertThat(oidc.toString()).doesNotContain("hunter2-secret").contains("clientSecret=(set)");
    }

    private static SecurityProperties.Oidc oidc(String claim, Map<String, List<String>> mapping, String defaultRole) {
        return new SecurityProperties.Oidc("https://idp.example", "cutover", null, null, null, claim, mapping, defaultRole);
    }
}
