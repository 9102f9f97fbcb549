package dev.cutover.storage.gcs;

import com.google.cloud.BaseServiceException;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.ObjectStoreException.Reason;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates the client library's failures into {@link ObjectStoreException}s at the port. The library throws
 * {@code StorageException}s, sometimes wrapped in an {@link IOException} (reads), and IOExceptions of its own
 * for connections that failed past its retries.
 */
final class GcsErrors {

    /** 403 and 429 reasons that mean "slow down", not "not allowed". */
    private static final Set<String> THROTTLING_REASONS = Set.of("rateLimitExceeded", "userRateLimitExceeded",
            "quotaExceeded");
    private static final Pattern JSON_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private GcsErrors() {
    }

    static ObjectStoreException translate(String where, Throwable failure) {
        ObjectStoreException already = find(failure, ObjectStoreException.class);
        if (already != null) {
            return already;
        }
        BaseServiceException service = find(failure, BaseServiceException.class);
        if (service != null && service.getCode() > 0) {
            return new ObjectStoreException(reason(service, failure), where + ": " + describe(service), failure);
        }
        String message = where + ": " + firstLine(failure.getMessage());
        if (mentionsCredentials(failure)) {
            return new ObjectStoreException(Reason.PERMISSION, message, failure);
        }
        if (find(failure, IOException.class) != null || service != null && service.isRetryable()) {
            // Connection resets and timeouts the library gave up on: the caller retries from its source.
            return new ObjectStoreException(Reason.TRANSIENT, message, failure);
        }
        return new ObjectStoreException(Reason.OTHER, message, failure);
    }

    /** The HTTP status GCS answered, if the failure carries one. */
    static int status(Throwable failure) {
        BaseServiceException service = find(failure, BaseServiceException.class);
        return service == null ? 0 : service.getCode();
    }

    private static Reason reason(BaseServiceException service, Throwable failure) {
        int status = service.getCode();
        String reason = String.valueOf(service.getReason());
        if (status == 404) {
            return Reason.NOT_FOUND;
        }
        if (status == 412) {
            return Reason.PRECONDITION_FAILED;
        }
        if (status == 429 || THROTTLING_REASONS.contains(reason)) {
            return Reason.THROTTLED;
        }
        if (status == 401 || status == 403) {
            return Reason.PERMISSION;
        }
        if (status == 501) {
            return Reason.OTHER;
        }
        if (status >= 500 || status == 408) {
            return Reason.TRANSIENT;
        }
        if (status == 400 && mentionsChecksum(failure)) {
            // "Provided CRC32C \"...\" doesn't match calculated CRC32C \"...\"." (or MD5 hash)
            return Reason.CHECKSUM_MISMATCH;
        }
        return Reason.OTHER;
    }

    private static boolean mentionsChecksum(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String lower = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if ((lower.contains("crc32c") || lower.contains("md5") || lower.contains("checksum"))
                    && (lower.contains("match") || lower.contains("invalid"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean mentionsCredentials(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String lower = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (lower.contains("default credentials") || lower.contains("credentials were not found")
                    || lower.contains("error getting access token")) {
                return true;
            }
        }
        return false;
    }

    /** Status, reason and GCS's own message (the library's message may carry the whole HTTP exchange). */
    private static String describe(BaseServiceException service) {
        String message = String.valueOf(service.getMessage());
        Matcher json = JSON_MESSAGE.matcher(message);
        String text = json.find() ? json.group(1).replace("\\\"", "\"") : firstLine(message);
        String reason = service.getReason() == null || service.getReason().isEmpty() ? "" : " " + service.getReason();
        return service.getCode() + reason + ": " + text;
    }

    private static String firstLine(String message) {
        String text = String.valueOf(message);
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
