package dev.cutover.system;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.resource.OAuth2ResourceServerConfigurer;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderInitializationException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The API's bearer JWTs, from {@code cutover.security.jwt}: signature checked against the issuer's
 * published keys, expiry, issuer and (when configured) audience; roles from the same claim mapping as
 * the OpenID Connect login, named like it. A refused token is explained in plain words
 * ({@link #why}); the token itself is never repeated back.
 */
final class BearerTokens {

    private static final Pattern EXPIRED = Pattern.compile("Jwt expired at (\\S+)");
    private static final Pattern NOT_YET = Pattern.compile("Jwt used before (\\S+)");

    private final SecurityProperties.Jwt properties;
    private final RoleClaims roles;

    BearerTokens(SecurityProperties.Jwt properties, SecurityProperties.Oidc claims) {
        this.properties = properties;
        this.roles = new RoleClaims(claims);
    }

    Customizer<OAuth2ResourceServerConfigurer<HttpSecurity>> configurer(ProblemWriter problems) {
        return server -> server
                .jwt(jwt -> jwt.decoder(decoder()).jwtAuthenticationConverter(
                        token -> new JwtAuthenticationToken(token, roles.authorities(token.getClaims()),
                                RoleClaims.name(token.getClaims()))))
                .authenticationEntryPoint((request, response, failure) -> refused(problems, request, response, failure));
    }

    void refused(ProblemWriter problems, HttpServletRequest request, HttpServletResponse response,
                 AuthenticationException failure) throws IOException {
        if (causedBy(failure, ProviderUnreachable.class)) {
            response.setHeader("Retry-After", "30");
            problems.write(request, response, HttpStatus.SERVICE_UNAVAILABLE, "Identity provider unreachable",
                    "The bearer token could not be checked: the keys of " + issuer() + " could not be fetched. "
                            + "Try again shortly, or use HTTP Basic.");
        } else {
            problems.bearerRefused(request, response, why(failure));
        }
    }

    /**
     * The provider's discovery document or keys could not be fetched: not the token's fault, so not a
     * 401 but a 503 a script can retry (instead of the 500 Spring Security would give).
     */
    static final class ProviderUnreachable extends BadJwtException {

        ProviderUnreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Built on first use, not at startup: with {@code issuer-uri} the keys' address comes from the
     * issuer's discovery document, and the service must start while the provider is unreachable.
     */
    JwtDecoder decoder() {
        JwtDecoder lazy = new SupplierJwtDecoder(() -> {
            NimbusJwtDecoder decoder = blank(properties.jwkSetUri())
                    ? NimbusJwtDecoder.withIssuerLocation(properties.issuerUri()).build()
                    : NimbusJwtDecoder.withJwkSetUri(properties.jwkSetUri()).build();
            List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
            validators.add(blank(properties.issuerUri()) ? JwtValidators.createDefault()
                    : JwtValidators.createDefaultWithIssuer(properties.issuerUri()));
            if (!blank(properties.audience())) {
                validators.add(new JwtAudienceValidator(properties.audience()));
            }
            decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
            return decoder;
        });
        return token -> {
            try {
                return lazy.decode(token);
            } catch (BadJwtException refused) {
                throw refused;
            } catch (JwtException | JwtDecoderInitializationException unreachable) {
                throw new ProviderUnreachable("the keys of " + issuer() + " could not be fetched", unreachable);
            }
        };
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** Why a bearer token was refused, in words an engineer can act on. */
    String why(AuthenticationException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof JwtValidationException invalid) {
                List<String> reasons = invalid.getErrors().stream().map(this::plain).distinct().toList();
                return String.join("; ", reasons) + ".";
            }
        }
        String message = String.valueOf(failure.getMessage());
        if (message.contains("signature") || message.contains("matching key") || message.contains("JWK")) {
            return "The bearer token's signature does not match any key of " + issuer()
                    + ": it was signed by another provider (or with a key the provider no longer publishes).";
        }
        if (message.contains("Malformed") || message.contains("parse") || message.contains("serialization")) {
            return "The bearer token is not a well-formed signed JWT.";
        }
        return "The bearer token was refused: " + message;
    }

    private String plain(OAuth2Error error) {
        String description = String.valueOf(error.getDescription());
        Matcher expired = EXPIRED.matcher(description);
        if (expired.find()) {
            return "The bearer token expired at " + expired.group(1) + "; get a new one from " + issuer();
        }
        Matcher early = NOT_YET.matcher(description);
        if (early.find()) {
            return "The bearer token is not valid before " + early.group(1) + " (check the clocks)";
        }
        if (description.contains("iss")) {
            return "The bearer token was not issued by " + issuer();
        }
        if (description.contains("aud")) {
            return "The bearer token is not meant for this service: its audience does not include '"
                    + properties.audience() + "'";
        }
        return "The bearer token was refused: " + description;
    }

    private String issuer() {
        return blank(properties.issuerUri()) ? "the keys at " + properties.jwkSetUri() : properties.issuerUri();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
