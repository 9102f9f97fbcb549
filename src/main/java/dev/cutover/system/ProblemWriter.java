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
        response.setHeader("WWW-Authenticate", "Basic realm=\"cutover\"");
        write(request, response, HttpStatus.UNAUTHORIZED, "Authentication required",
                "Send HTTP Basic credentials of a user with role VIEWER, OPERATOR or APPROVER.");
    }

    void forbidden(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
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

    /** Mirrors the rules in {@link SecurityConfiguration}, for a message that says what to ask for. */
    private static String requiredRole(HttpServletRequest request) {
        String path = request.getRequestURI();
        if (!"POST".equals(request.getMethod()) || path.equals("/api/runbooks/validate")) {
            return "VIEWER";
        }
        return path.matches("/api/cutovers/[^/]+/(steps/[^/]+/approve|rollback|abort)") ? "APPROVER" : "OPERATOR";
    }
}
