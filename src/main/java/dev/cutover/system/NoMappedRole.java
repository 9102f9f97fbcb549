package dev.cutover.system;

import java.util.List;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * The provider knows the person, but none of the values of their roles claim maps to a role here.
 * Carries what the refusal page shows: who, which claim, what it held (never a token).
 */
final class NoMappedRole extends OAuth2AuthenticationException {

    private final String user;
    private final String claim;
    private final List<String> values;

    NoMappedRole(String user, String claim, List<String> values) {
        super(new OAuth2Error(OAuth2ErrorCodes.ACCESS_DENIED), "'" + user + "' has no role here: claim '" + claim
                + "' holds " + (values.isEmpty() ? "nothing" : values) + ", none of it mapped");
        this.user = user;
        this.claim = claim;
        this.values = List.copyOf(values);
    }

    String user() {
        return user;
    }

    String claim() {
        return claim;
    }

    List<String> values() {
        return values;
    }
}
