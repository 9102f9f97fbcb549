package dev.cutover.monitoring;

import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Viewers read the health of a current cutover's runbook connections (the API's default role for a GET). */
@RestController
class ConnectionHealthController {

    private final ConnectionHealth health;

    ConnectionHealthController(ConnectionHealth health) {
        this.health = health;
    }

    /**
     * @param reachable how many connections answered; {@code unreachable} how many did not; those
     *                  that cannot be probed count in neither
     */
    record Answer(String cutoverId, long reachable, long unreachable, List<ConnectionStatus> connections) {
    }

    @GetMapping("/api/cutovers/{id}/connections/health")
    Answer health(@PathVariable String id) {
        List<ConnectionStatus> connections = health.of(id).orElseThrow(() -> notCurrent(id));
        return new Answer(id, connections.stream().filter(c -> Boolean.TRUE.equals(c.reachable())).count(),
                connections.stream().filter(c -> Boolean.FALSE.equals(c.reachable())).count(), connections);
    }

    private static ErrorResponseException notCurrent(String id) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No current cutover with id '"
                + id + "': it is unknown, or over (completed, rolled back or aborted), and then its connections are "
                + "no longer watched.");
        problem.setTitle("Cutover not current");
        problem.setType(URI.create("about:blank"));
        return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
    }
}
