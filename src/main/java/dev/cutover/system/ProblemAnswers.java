package dev.cutover.system;

import dev.cutover.runbook.ClosestMatch;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every API error is {@code application/problem+json}. Malformed bodies name the field at fault;
 * unexpected failures say so without leaking internals (the log has the stack trace).
 */
@RestControllerAdvice
class ProblemAnswers extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAnswers.class);
    /** Jackson's words for a field given twice (2.x said "field", 3.x "Object property"). */
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:Object property|field) \"(.*?)\"");

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException invalid,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        List<Map<String, String>> errors = invalid.getFieldErrors().stream()
                .map(error -> Map.of("field", error.getField(), "message", String.valueOf(error.getDefaultMessage())))
                .toList();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Invalid request body: "
                + errors.stream().map(e -> "'" + e.get("field") + "' " + e.get("message")).collect(Collectors.joining("; ")));
        problem.setTitle("Malformed request");
        problem.setProperty("errors", errors);
        return ResponseEntity.badRequest().body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException unreadable,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        String field = null;
        String reason = "the body is not valid JSON";
        Throwable cause = unreadable.getCause();
        if (causedBy(unreadable, RequestBodyLimit.TooLarge.class)) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, RequestBodyLimit.DETAIL);
            problem.setTitle("Request body too large");
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).header(HttpHeaders.CONNECTION, "close").body(problem);
        }
        Matcher duplicate = cause instanceof JacksonException jackson
                ? DUPLICATE.matcher(String.valueOf(jackson.getOriginalMessage())) : null;
        if (cause instanceof UnrecognizedPropertyException unknown) {
            field = path(unknown);
            List<String> known = unknown.getKnownPropertyIds() == null ? List.of()
                    : unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            reason = "there is no field '" + shortened(unknown.getPropertyName()) + "'"
                    + ClosestMatch.to(unknown.getPropertyName(), known).map(m -> " (did you mean '" + m + "'?)").orElse("")
                    + (known.isEmpty() ? "" : "; the fields are " + String.join(", ", known));
        } else if (duplicate != null && duplicate.find()) {
            field = duplicate.group(1);
            reason = "field '" + shortened(field) + "' is given twice; give it once";
        } else if (cause instanceof DatabindException databind && !databind.getPath().isEmpty()) {
            field = path(databind);
            reason = "field '" + field + "' has the wrong type or format";
        } else if (cause instanceof JacksonException jackson) {
            reason = "the body is not valid JSON: " + jackson.getOriginalMessage();
        } else if (unreadable.getMessage() != null && unreadable.getMessage().startsWith("Required request body")) {
            reason = "a JSON body is required";
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Malformed request: " + reason + ".");
        problem.setTitle("Malformed request");
        if (field != null) {
            problem.setProperty("field", field);
        }
        return ResponseEntity.badRequest().body(problem);
    }

    private static String path(DatabindException databind) {
        return databind.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String shortened(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "… (" + text.length() + " characters)";
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    @ExceptionHandler(RequestBodyLimit.TooLarge.class)
    ResponseEntity<ProblemDetail> tooLarge(RequestBodyLimit.TooLarge failure) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, RequestBodyLimit.DETAIL);
        problem.setTitle("Request body too large");
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).header(HttpHeaders.CONNECTION, "close").body(problem);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception failure) {
        if (clientWentAway(failure)) {
            // A client that leaves (Ctrl-C on curl, a closed tab) is normal: nothing to answer, nobody to answer to.
            log.debug("Client went away: {}", failure.toString());
            return null;
        }
        log.error("Unexpected failure answering a request", failure);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "The service failed unexpectedly (" + failure.getClass().getSimpleName() + "); nothing was changed "
                        + "by this request unless the event log says so. The service log has the details.");
        problem.setTitle("Internal error");
        return ResponseEntity.internalServerError().body(problem);
    }

    private static boolean clientWentAway(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String name = t.getClass().getSimpleName();
            String message = String.valueOf(t.getMessage());
            if (t instanceof org.springframework.web.context.request.async.AsyncRequestNotUsableException
                    || name.equals("ClientAbortException") || name.equals("EofException")
                    || (t instanceof java.io.IOException
                    && (message.contains("Broken pipe") || message.contains("Connection reset")))) {
                return true;
            }
        }
        return false;
    }
}
