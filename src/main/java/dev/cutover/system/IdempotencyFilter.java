package dev.cutover.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * {@code Idempotency-Key} on a POST: the first request with a key (per user) runs and its answer is
 * stored; a repeat gets that same answer (status, Location, body) with {@code Idempotent-Replayed:
 * true}, and runs nothing. A repeat that arrives while the first is still running gets 409. Server
 * errors are not stored, so the client can retry them. Runs after authentication.
 */
@Component
class IdempotencyFilter extends OncePerRequestFilter {

    static final String HEADER = "Idempotency-Key";

    private record Stored(String method, String path, Integer status, String contentType, String location, String body) {
    }

    private final JdbcClient jdbc;
    private final ProblemWriter problems;

    IdempotencyFilter(JdbcClient jdbc, ProblemWriter problems) {
        this.jdbc = jdbc;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || request.getHeader(HEADER) == null
                || request.getUserPrincipal() == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader(HEADER);
        String principal = request.getUserPrincipal().getName();
        if (key.isBlank() || key.length() > 200) {
            problems.write(request, response, HttpStatus.BAD_REQUEST, "Malformed request",
                    "Header Idempotency-Key must hold 1 to 200 characters.");
            return;
        }
        Optional<Stored> earlier = find(key, principal);
        if (earlier.isEmpty() && !reserve(key, principal, request)) {
            earlier = find(key, principal);
        }
        if (earlier.isPresent()) {
            replay(earlier.get(), request, response);
            return;
        }
        ContentCachingResponseWrapper recorded = new ContentCachingResponseWrapper(response);
        try {
            chain.doFilter(request, recorded);
        } finally {
            if (recorded.getStatus() >= 500) {
                release(key, principal);
            } else {
                store(key, principal, recorded);
            }
            recorded.copyBodyToResponse();
        }
    }

    private void replay(Stored stored, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!stored.method().equals(request.getMethod()) || !stored.path().equals(request.getRequestURI())) {
            problems.write(request, response, HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency-Key reused",
                    "This Idempotency-Key was used for " + stored.method() + " " + stored.path()
                            + "; use a new key for a different request.");
            return;
        }
        if (stored.status() == null) {
            problems.write(request, response, HttpStatus.CONFLICT, "Request in progress",
                    "A request with this Idempotency-Key is still being processed; repeat it in a moment to get its answer.");
            return;
        }
        response.setStatus(stored.status());
        response.setHeader("Idempotent-Replayed", "true");
        if (stored.contentType() != null) {
            response.setContentType(stored.contentType());
        }
        if (stored.location() != null) {
            response.setHeader("Location", stored.location());
        }
        if (stored.body() != null) {
            response.getOutputStream().write(stored.body().getBytes(StandardCharsets.UTF_8));
        }
    }

    private Optional<Stored> find(String key, String principal) {
        return jdbc.sql("""
                SELECT method, path, status, content_type, location, body FROM idempotent_request
                WHERE idempotency_key = ? AND principal = ?""")
                .params(key, principal)
                .query((rs, row) -> new Stored(rs.getString("method"), rs.getString("path"),
                        (Integer) rs.getObject("status", Integer.class), rs.getString("content_type"),
                        rs.getString("location"), rs.getString("body")))
                .optional();
    }

    private boolean reserve(String key, String principal, HttpServletRequest request) {
        try {
            jdbc.sql("""
                    INSERT INTO idempotent_request (idempotency_key, principal, method, path, created_at)
                    VALUES (?, ?, ?, ?, ?)""")
                    .params(key, principal, request.getMethod(), request.getRequestURI(), Timestamp.from(Instant.now()))
                    .update();
            return true;
        } catch (DuplicateKeyException raced) {
            return false;
        }
    }

    private void store(String key, String principal, ContentCachingResponseWrapper response) {
        jdbc.sql("""
                UPDATE idempotent_request SET status = ?, content_type = ?, location = ?, body = ?
                WHERE idempotency_key = ? AND principal = ?""")
                .params(response.getStatus(), response.getContentType(), response.getHeader("Location"),
                        new String(response.getContentAsByteArray(), StandardCharsets.UTF_8), key, principal)
                .update();
    }

    private void release(String key, String principal) {
        jdbc.sql("DELETE FROM idempotent_request WHERE idempotency_key = ? AND principal = ?")
                .params(key, principal).update();
    }
}
