package dev.cutover.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns away a sign-in (the login form's POST, or any request with HTTP Basic credentials) for a
 * user name or address that {@link LoginAttempts} has locked out, before the password is checked.
 * The form is sent back to the login page, which says so; the API answers 429 problem+json with
 * {@code Retry-After}. Not a bean on purpose: as one, Boot would also run it for every request.
 */
final class LoginThrottle extends OncePerRequestFilter {

    private final LoginAttempts attempts;
    private final ProblemWriter problems;

    LoginThrottle(LoginAttempts attempts, ProblemWriter problems) {
        this.attempts = attempts;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean form = "POST".equals(request.getMethod()) && "/login".equals(request.getRequestURI());
        String user = form ? request.getParameter("username") : basicUser(request.getHeader("Authorization"));
        Optional<Duration> locked = user == null ? Optional.empty() : attempts.lockedFor(user, request.getRemoteAddr());
        if (locked.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        long seconds = Math.max(1, locked.get().toSeconds());
        response.setHeader("Retry-After", Long.toString(seconds));
        if (form) {
            response.sendRedirect(request.getContextPath() + "/login?locked");
            return;
        }
        problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS, "Too many failed sign-ins",
                "Sign-in as '" + user + "' is locked after repeated wrong passwords (for this user or from this "
                        + "address); try again in " + minutes(seconds) + ".");
    }

    private static String basicUser(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String credentials = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                    StandardCharsets.UTF_8);
            int colon = credentials.indexOf(':');
            return colon < 0 ? null : credentials.substring(0, colon);
        } catch (IllegalArgumentException notBase64) {
            return null; // Spring Security's Basic filter refuses it in words
        }
    }

    private static String minutes(long seconds) {
        long minutes = (seconds + 59) / 60;
        return minutes <= 1 ? "a minute" : minutes + " minutes";
    }
}
