package dev.cutover.system;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Writes problem+json answers outside Spring MVC: authentication and authorization failures. */
@Component
class ProblemWriter {

    private final JsonMapper json;

    ProblemWriter(JsonMapper json) {
        this.json = json;
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
        write(request, response, HttpStatus.UNAUTHORIZED, "Authentication required",
                "Send HTTP Basic credentials of a user with role VIEWER, OPERATOR or APPROVER.");
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
                        + "; " + user + " does not have it.");
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
