package dev.cutover.system;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Writes problem+json answers outside Spring MVC: authentication and authorization failures. */
@Component
class ProblemWriter {

    private final JsonMapper json;
    private final boolean bearerTokens;

    ProblemWriter(JsonMapper json, SecurityProperties security) {
        this.json = json;
        this.bearerTokens = security.jwt().enabled();
    }

    void unauthorized(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        if (request.getRequestedSessionId() != null && request.getHeader("Authorization") == null) {
            // The dashboard's session ended: no Basic challenge, or the browser would pop up its own prompt.
            write(request, response, HttpStatus.UNAUTHORIZED, "Logged out",
                    "Your session has ended (logged out, or it expired); log in again at /login.");
            return;
        }
        response.setHeader("WWW-Authenticate", "Basic realm=\"cutover\"");
        if (bearerTokens) {
            response.addHeader("WWW-Authenticate", "Bearer");
        }
        write(request, response, HttpStatus.UNAUTHORIZED, "Authentication required",
                "Send HTTP Basic credentials of a user with role VIEWER, OPERATOR or APPROVER"
                        + (bearerTokens ? ", or a bearer token whose roles claim maps to one of them." : "."));
    }

    /**
     * A bearer token was sent and refused (expired, signed by another key, wrong issuer or audience).
     * The reason is the caller's; the token is cut out of it in case a library quoted it.
     */
    void bearerRefused(HttpServletRequest request, HttpServletResponse response, String why) throws IOException {
        String authorization = request.getHeader("Authorization");
        String token = authorization == null ? "" : authorization.replaceFirst("(?i)^bearer\\s+", "").strip();
        String detail = token.length() >= 8 ? why.replace(token, "(the token)") : why;
        response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        write(request, response, HttpStatus.UNAUTHORIZED, "Bearer token refused", detail);
    }

    void forbidden(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        if (denied instanceof CsrfException) {
            write(request, response, HttpStatus.FORBIDDEN, "Form expired",
                    "The page's security token is missing or out of date (the session may have ended); reload the "
                            + "page and try again. Scripts use the API under /api with HTTP Basic instead.");
            return;
        }
        String user = request.getUserPrincipal() == null ? "this user" : "'" + request.getUserPrincipal().getName() + "'";
        write(request, response, HttpStatus.FORBIDDEN, "Not allowed",
                request.getMethod() + " " + request.getRequestURI() + " needs role " + requiredRole(request)
                        + "; " + user + (hasNoRole() ? " has no role at all here (for a bearer token: its roles "
                        + "claim holds no value mapped in cutover.security.oidc.role-mapping)." : " does not have it."));
    }

    private static boolean hasNoRole() {
        Authentication user = SecurityContextHolder.getContext().getAuthentication();
        return user != null && user.getAuthorities().stream().noneMatch(a -> String.valueOf(a.getAuthority())
                .startsWith("ROLE_"));
    }

    void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String title, String detail)
            throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setInstance(URI.create(request.getRequestURI()));
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(problem));
    }

    /**
     * A request that wants a problem+json answer rather than the login page: the API (also the event
     * stream), a script sending credentials, or the dashboard's own fetch calls.
     */
    static boolean wantsProblem(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return request.getRequestURI().startsWith("/api/") || request.getHeader("Authorization") != null
                || (accept != null && accept.contains("json") && !accept.contains("text/html"));
    }

    /**
     * Mirrors the rules in {@link SecurityConfiguration}, for a message that says what to ask for; the
     * dashboard's POSTs have the API's paths without {@code /api}.
     */
    private static String requiredRole(HttpServletRequest request) {
        String path = request.getRequestURI();
        if (!"POST".equals(request.getMethod()) || path.equals("/api/runbooks/validate")) {
            return "VIEWER";
        }
        return path.matches("(/api)?/cutovers/[^/]+/(steps/[^/]+/approve|rollback|abort)") ? "APPROVER" : "OPERATOR";
    }
}
