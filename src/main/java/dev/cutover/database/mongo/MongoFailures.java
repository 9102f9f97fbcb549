package dev.cutover.database.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoTimeoutException;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepFailedException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns driver exceptions into step failures a person can act on, with the server's code and
 * name; messages pass through the step's redaction so no resolved secret reaches the event log.
 */
final class MongoFailures {

    /** NotWritablePrimary: the member is not (or no longer) primary. */
    static final int NOT_WRITABLE_PRIMARY = 10107;
    /** IllegalOperation, e.g. {@code fsyncUnlock called when not locked}. */
    static final int ILLEGAL_OPERATION = 20;

    private MongoFailures() {
    }

    interface MongoWork<T> {
        T run() throws Exception;
    }

    static <T> T translate(StepContext context, String doing, MongoWork<T> work) throws Exception {
        try {
            return work.run();
        } catch (MongoException e) {
            throw failure(context, doing, e, Map.of());
        }
    }

    static StepFailedException failure(StepContext context, String doing, MongoException e, Map<String, Object> evidence) {
        Map<String, Object> withCause = new LinkedHashMap<>(evidence);
        withCause.put("errorCode", e.getCode());
        if (e instanceof MongoCommandException command) {
            withCause.put("errorCodeName", command.getErrorCodeName());
        }
        String reason = e instanceof MongoTimeoutException ? "no answer within the connect timeout"
                : e instanceof MongoCommandException command ? command.getErrorCodeName() + " (" + command.getErrorCode()
                + "): " + command.getErrorMessage() : e.getMessage();
        return new StepFailedException(context.redact(doing + " failed: " + reason), withCause);
    }

    static boolean hasCode(MongoException e, int code) {
        return e.getCode() == code;
    }
}
