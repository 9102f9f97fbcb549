package dev.cutover.system;

/**
 * What the login page needs to know about single sign-on: whether it is on, the provider's name for
 * the button, where the button goes, and whether scripts may use bearer tokens. The page reads it as the bean {@code singleSignOn}.
 */
public record SingleSignOn(boolean enabled, String displayName, String loginPath, boolean bearerTokens) {

    static SingleSignOn of(SecurityProperties security) {
        return new SingleSignOn(security.oidc().enabled(), security.oidc().displayName(),
                OidcLogin.AUTHORIZATION_PATH + "/" + OidcLogin.REGISTRATION_ID, security.jwt().enabled());
    }
}
