package dev.cutover.system;

/**
 * What the login page needs to know about single sign-on: whether it is on, the provider's name for
 * the button, and where the button goes. The page reads it as the bean {@code singleSignOn}.
 */
public record SingleSignOn(boolean enabled, String displayName, String loginPath) {

    static SingleSignOn of(SecurityProperties.Oidc oidc) {
        return new SingleSignOn(oidc.enabled(), oidc.displayName(),
                OidcLogin.AUTHORIZATION_PATH + "/" + OidcLogin.REGISTRATION_ID);
    }
}
