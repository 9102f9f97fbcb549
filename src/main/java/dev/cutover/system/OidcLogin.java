package dev.cutover.system;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.configurers.oauth2.client.OAuth2LoginConfigurer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.web.DefaultRedirectStrategy;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

/**
 * The dashboard's OpenID Connect login, from {@code cutover.security.oidc}: one client registration
 * ({@value #REGISTRATION_ID}), people mapped to roles by {@link MappedOidcUsers}, and a readable 403
 * page for a person the provider knows but who has no role here.
 */
final class OidcLogin {

    static final String REGISTRATION_ID = "sso";
    static final String AUTHORIZATION_PATH = "/oauth2/authorization";
    /** The paths the login flow adds to the browser's filter chain. */
    static final String[] PATHS = {AUTHORIZATION_PATH + "/*", "/login/oauth2/code/*"};

    private static final Logger log = LoggerFactory.getLogger(OidcLogin.class);

    private final SecurityProperties.Oidc properties;
    private final RoleClaims roles;
    private final ITemplateEngine templates;

    OidcLogin(SecurityProperties.Oidc properties, ITemplateEngine templates) {
        this.properties = properties;
        this.roles = new RoleClaims(properties);
        this.templates = templates;
    }

    Customizer<OAuth2LoginConfigurer<HttpSecurity>> configurer() {
        return login -> login
                .loginPage("/login")
                .clientRegistrationRepository(new DiscoveredRegistration(properties))
                .authorizedClientRepository(new NoAuthorizedClients())
                .userInfoEndpoint(userInfo -> userInfo.oidcUserService(new MappedOidcUsers(roles)))
                .failureHandler(this::failed)
                // The provider's discovery document out of reach at the button: back to the form with a
                // message, instead of the bare 500 the redirect filter answers by default.
                .withObjectPostProcessor(new ObjectPostProcessor<OAuth2AuthorizationRequestRedirectFilter>() {
                    @Override
                    public <O extends OAuth2AuthorizationRequestRedirectFilter> O postProcess(O filter) {
                        filter.setAuthenticationFailureHandler(OidcLogin.this::failed);
                        return filter;
                    }
                });
    }

    private void failed(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        if (failure instanceof NoMappedRole noRole) {
            log.info("Single sign-on refused: {}", noRole.getMessage());
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType("text/html;charset=UTF-8");
            Context page = new Context(request.getLocale(), Map.of("user", noRole.user(), "claim", noRole.claim(),
                    "values", noRole.values(), "provider", properties.displayName(),
                    "mapped", roles.mappedValues()));
            templates.process("no-role", page, response.getWriter());
            return;
        }
        // The provider said no, or could not be reached: the reason is for the log, the person gets the form back.
        log.warn("Single sign-on with {} failed: {}", properties.displayName(), failure.getMessage());
        new DefaultRedirectStrategy().sendRedirect(request, response, "/login?sso-failed");
    }

    /**
     * The client registration, read from the provider's discovery document on first use rather than at
     * startup: the service (and its form login) must start even while the provider is unreachable.
     */
    static final class DiscoveredRegistration implements ClientRegistrationRepository {

        private final SecurityProperties.Oidc properties;
        private volatile ClientRegistration registration;

        DiscoveredRegistration(SecurityProperties.Oidc properties) {
            this.properties = properties;
        }

        @Override
        public ClientRegistration findByRegistrationId(String registrationId) {
            if (!REGISTRATION_ID.equals(registrationId)) {
                return null;
            }
            ClientRegistration known = registration;
            if (known == null) {
                synchronized (this) {
                    if (registration == null) {
                        registration = discover();
                    }
                    known = registration;
                }
            }
            return known;
        }

        private ClientRegistration discover() {
            try {
                ClientRegistration.Builder builder = ClientRegistrations.fromOidcIssuerLocation(properties.issuerUri())
                        .registrationId(REGISTRATION_ID)
                        .clientName(properties.displayName())
                        .clientId(properties.clientId())
                        .scope(properties.scopes());
                if (properties.clientSecret() == null || properties.clientSecret().isBlank()) {
                    builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE); // a public client, with PKCE
                } else {
                    builder.clientSecret(properties.clientSecret());
                }
                return builder.build();
            } catch (RuntimeException unreachable) {
                log.warn("Single sign-on is configured but the OpenID configuration of {} could not be read: {}",
                        properties.issuerUri(), unreachable.getMessage());
                throw new IllegalStateException("The OpenID configuration of " + properties.issuerUri()
                        + " could not be read (" + unreachable.getMessage() + "); log in with the form meanwhile",
                        unreachable);
            }
        }
    }

    /**
     * Keeps no access or refresh token: the dashboard calls no API of the provider, so its tokens would
     * only be secrets sitting in the session table.
     */
    static final class NoAuthorizedClients implements OAuth2AuthorizedClientRepository {

        @Override
        public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String clientRegistrationId,
                Authentication principal, HttpServletRequest request) {
            return null;
        }

        @Override
        public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal,
                HttpServletRequest request, HttpServletResponse response) {
        }

        @Override
        public void removeAuthorizedClient(String clientRegistrationId, Authentication principal,
                HttpServletRequest request, HttpServletResponse response) {
        }
    }
}
