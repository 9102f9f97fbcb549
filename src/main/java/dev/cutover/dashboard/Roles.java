package dev.cutover.dashboard;

import org.springframework.security.core.Authentication;

/**
 * What the logged-in user may do, to show only the buttons of their roles. The server checks again
 * on every POST (security rules and the state machine); this only decides what to draw.
 */
public record Roles(String user, boolean operator, boolean approver) {

    static Roles of(Authentication authentication) {
        if (authentication == null) {
            return new Roles("anonymous", false, false);
        }
        boolean operator = has(authentication, "ROLE_OPERATOR");
        boolean approver = has(authentication, "ROLE_APPROVER");
        return new Roles(authentication.getName(), operator, approver);
    }

    /** The roles of a viewer known only by their authorities (a page's event stream), for what they may see. */
    static Roles of(java.util.Set<String> authorities) {
        return new Roles("viewer", authorities.contains("ROLE_OPERATOR"), authorities.contains("ROLE_APPROVER"));
    }

    public String label() {
        return operator && approver ? "operator, approver" : operator ? "operator" : approver ? "approver" : "viewer";
    }

    private static boolean has(Authentication authentication, String authority) {
        return authentication.getAuthorities().stream().anyMatch(a -> authority.equals(a.getAuthority()));
    }
}
