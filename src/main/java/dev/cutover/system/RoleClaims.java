package dev.cutover.system;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Turns the claims of an ID token or a bearer JWT into our roles and a readable name. The same rules
 * serve the dashboard's OpenID Connect login and the API's bearer tokens, so a person has the same
 * roles both ways.
 */
final class RoleClaims {

    private final String claim;
    private final Map<String, List<String>> mapping;
    private final String defaultRole;

    RoleClaims(SecurityProperties.Oidc properties) {
        this.claim = properties.rolesClaim();
        this.mapping = properties.roleMapping();
        this.defaultRole = properties.defaultRole();
        // A typo here would otherwise show up only as everybody being refused on cutover night.
        List<String> configured = new ArrayList<>();
        mapping.values().forEach(configured::addAll);
        if (defaultRole != null) {
            configured.add(defaultRole);
        }
        for (String role : configured) {
            if (!SecurityProperties.ROLES.contains(role)) {
                throw new IllegalStateException("cutover.security.oidc maps a claim value to role '" + role
                        + "'; the roles are " + SecurityProperties.ROLES);
            }
        }
    }

    /** The claim (or dotted path) the roles are read from, for messages. */
    String claim() {
        return claim;
    }

    /** Each claim value that gives a role, with the roles it gives; for the refusal page. */
    Map<String, List<String>> mappedValues() {
        Map<String, List<String>> values = new java.util.LinkedHashMap<>(mapping);
        SecurityProperties.ROLES.forEach(role -> values.putIfAbsent(role, List.of(role)));
        return values;
    }

    /** Our roles (VIEWER, OPERATOR, APPROVER) for these claims; empty when none is mapped. */
    Set<String> roles(Map<String, Object> claims) {
        Set<String> roles = new LinkedHashSet<>();
        for (String value : values(claims)) {
            List<String> mapped = mapping.get(value);
            if (mapped != null) {
                roles.addAll(mapped);
            } else if (SecurityProperties.ROLES.contains(value)) {
                roles.add(value);
            }
        }
        if (roles.isEmpty() && defaultRole != null) {
            roles.add(defaultRole);
        }
        return roles;
    }

    /** The authorities Spring Security checks with {@code hasRole}. */
    List<GrantedAuthority> authorities(Map<String, Object> claims) {
        return roles(claims).stream().<GrantedAuthority>map(role -> new SimpleGrantedAuthority("ROLE_" + role)).toList();
    }

    /** The values found at the roles claim: a list, or a single string; nothing when it is absent. */
    List<String> values(Map<String, Object> claims) {
        Object node = claims;
        for (String part : claim.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return List.of();
            }
            node = map.get(part);
        }
        if (node instanceof Collection<?> list) {
            return list.stream().filter(v -> v != null).map(String::valueOf).toList();
        }
        return node == null ? List.of() : List.of(String.valueOf(node));
    }

    /**
     * The name the event log records: {@code preferred_username}, else {@code email}, else the opaque
     * {@code sub}, so "who approved" reads as a person wherever the provider says who it is.
     */
    static String nameClaim(Map<String, Object> claims) {
        for (String candidate : List.of("preferred_username", "email")) {
            Object value = claims.get(candidate);
            if (value instanceof String text && !text.isBlank()) {
                return candidate;
            }
        }
        return "sub";
    }

    static String name(Map<String, Object> claims) {
        return String.valueOf(claims.get(nameClaim(claims)));
    }
}
