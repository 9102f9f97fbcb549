package dev.cutover.cutover;

import java.net.URI;
import java.util.Collection;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The problem answers of the cutover API. Each is an {@link ErrorResponseException}, so Spring MVC
 * renders it as {@code application/problem+json} without any module knowing about the others.
 */
final class CutoverProblems {

    private CutoverProblems() {
    }

    static ErrorResponseException notFound(String what, String id) {
        return problem(HttpStatus.NOT_FOUND, what + " not found", "No " + what + " with id '" + id + "'.", Map.of());
    }

    static ErrorResponseException illegalTransition(Cutover cutover, CutoverAction action,
                                                    Collection<CutoverAction> allowed, String why) {
        String detail = "Cannot " + action.apiName() + " cutover " + cutover.id() + " while it is " + cutover.state()
                + (why == null ? "" : ": " + why) + ". Allowed now: "
                + (allowed.isEmpty() ? "nothing" : String.join(", ", allowed.stream().map(CutoverAction::apiName).toList()))
                + ".";
        return problem(HttpStatus.CONFLICT, "Illegal transition", detail, Map.of(
                "state", cutover.state().name(),
                "allowedActions", allowed.stream().map(CutoverAction::apiName).toList()));
    }

    static ErrorResponseException concurrentChange(Cutover current, Collection<CutoverAction> allowed) {
        return problem(HttpStatus.CONFLICT, "Changed by someone else",
                "Cutover " + current.id() + " was changed by another request at the same moment; it is now "
                        + current.state() + ". Reload and decide again.",
                Map.of("state", current.state().name(),
                        "allowedActions", allowed.stream().map(CutoverAction::apiName).toList()));
    }

    static ErrorResponseException unprocessable(String title, String detail) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, title, detail, Map.of());
    }

    static ErrorResponseException badRequest(String field, String detail) {
        return problem(HttpStatus.BAD_REQUEST, "Malformed request", detail, Map.of("field", field));
    }

    static ErrorResponseException problem(HttpStatus status, String title, String detail, Map<String, Object> properties) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setTitle(title);
        body.setType(URI.create("about:blank"));
        properties.forEach(body::setProperty);
        return new ErrorResponseException(status, body, null);
    }
}
