package dev.cutover.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
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
 *
 * <p>A reservation names the instance holding it and carries a lease. A request that never
 * answered (the service died while running it) would otherwise answer 409 forever; its reservation
 * is taken over once the lease has run out, or at once when the same node has restarted since (a
 * new instance id on the same {@code cutover.instance.name}). The lease is longer than any POST
 * takes: phases and syncs run in the background, the request only starts them.
 */
@Component
class IdempotencyFilter extends OncePerRequestFilter {

    static final String HEADER = "Idempotency-Key";
    private static final Logger log = LoggerFactory.getLogger(IdempotencyFilter.class);

    private record Stored(String method, String path, Integer status, String contentType, String location, String body) {
    }

    private final JdbcClient jdbc;
    private final ProblemWriter problems;
    private final String node;
    /** New at every start, so reservations of this node's earlier life are known to be abandoned. */
    private final String instance = UUID.randomUUID().toString();
    private final Duration lease;

    /**
     * @param node  names this service instance across restarts: {@code cutover.instance.name},
     *              by default the host name and server port
     * @param lease how long a reservation without an answer holds its key
     */
    IdempotencyFilter(JdbcClient jdbc, ProblemWriter problems,
                      @Value("${cutover.instance.name:}") String node, @Value("${server.port:8080}") String port,
                      @Value("${cutover.idempotency.reservation-lease:5m}") Duration lease) {
        this.jdbc = jdbc;
        this.problems = problems;
        this.node = node.isBlank() ? hostName() + ":" + port : node;
        this.lease = lease;
    }

    /** The name this instance holds reservations under. */
    String node() {
        return node;
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
        if (earlier.isPresent() && earlier.get().status() == null && sameRequest(earlier.get(), request)
                && takeOverAbandoned(key, principal)) {
            earlier = Optional.empty();
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

    private static boolean sameRequest(Stored stored, HttpServletRequest request) {
        return stored.method().equals(request.getMethod()) && stored.path().equals(request.getRequestURI());
    }

    private void replay(Stored stored, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!sameRequest(stored, request)) {
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
                    INSERT INTO idempotent_request (idempotency_key, principal, method, path, created_at,
                      holder_node, holder_instance, lease_until)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(key, principal, request.getMethod(), request.getRequestURI(), Timestamp.from(Instant.now()),
                            node, instance, Timestamp.from(Instant.now().plus(lease)))
                    .update();
            return true;
        } catch (DuplicateKeyException raced) {
            return false;
        }
    }

    /**
     * Takes over a reservation nobody will answer: its lease ran out (or it has none, from before
     * leases), or this node restarted since it was made. One UPDATE, so of two requests racing
     * for it exactly one wins; the other gets 409 as before.
     */
    private boolean takeOverAbandoned(String key, String principal) {
        Timestamp now = Timestamp.from(Instant.now());
        int taken = jdbc.sql("""
                UPDATE idempotent_request SET holder_node = ?, holder_instance = ?, lease_until = ?, created_at = ?
                WHERE idempotency_key = ? AND principal = ? AND status IS NULL
                  AND (lease_until IS NULL OR lease_until < ? OR (holder_node = ? AND holder_instance <> ?))""")
                .params(node, instance, Timestamp.from(now.toInstant().plus(lease)), now, key, principal,
                        now, node, instance)
                .update();
        if (taken == 1) {
            log.info("Idempotency-Key of {} was reserved by a request that never answered; taken over", principal);
        }
        return taken == 1;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
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
