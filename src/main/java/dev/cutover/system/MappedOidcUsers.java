package dev.cutover.system;

import java.util.List;
import java.util.Map;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * Loads the person the provider logged in (ID token, plus userinfo where the provider has it) and
 * gives them our roles from the roles claim. The user it returns is named by {@code preferred_username}
 * (else {@code email}, else {@code sub}), so the event log records a readable actor; it is a plain
 * {@link DefaultOidcUser}, serializable, so the session keeps it in the database like a form login's.
 * A person without a mapped role is refused here, before any session is theirs.
 */
final class MappedOidcUsers implements OAuth2UserService<OidcUserRequest, OidcUser> {

    private final OidcUserService provider = new OidcUserService();
    private final RoleClaims roles;

    MappedOidcUsers(RoleClaims roles) {
        this.roles = roles;
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        OidcUser user = provider.loadUser(request);
        Map<String, Object> claims = user.getClaims();
        List<GrantedAuthority> authorities = roles.authorities(claims);
        if (authorities.isEmpty()) {
            throw new NoMappedRole(RoleClaims.name(claims), roles.claim(), roles.values(claims));
        }
        return new DefaultOidcUser(authorities, user.getIdToken(), user.getUserInfo(), RoleClaims.nameClaim(claims));
    }
}
