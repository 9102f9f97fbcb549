package dev.cutover.storage.s3;

import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.ObjectStoreException.Reason;
import java.io.IOException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Translates SDK failures into {@link ObjectStoreException}s at the port: callers decide by reason. */
final class S3Errors {

    /** S3's codes for bytes that do not match a declared digest or checksum. */
    private static final Set<String> CHECKSUM_CODES = Set.of("BadDigest", "InvalidDigest",
            "XAmzContentSHA256Mismatch", "XAmzContentChecksumMismatch");
    private static final Set<String> PERMISSION_CODES = Set.of("AccessDenied", "InvalidAccessKeyId",
            "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "AllAccessDisabled");
    private static final Set<String> THROTTLING_CODES = Set.of("SlowDown", "Throttling", "ThrottlingException",
            "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled");
    /** 400s that mean "try again": the connection was too slow, or S3 is busy internally. */
    private static final Set<String> TRANSIENT_CODES = Set.of("RequestTimeout", "InternalError",
            "OperationAborted");

    private S3Errors() {
    }

    static ObjectStoreException translate(String where, RuntimeException failure) {
        ObjectStoreException already = find(failure, ObjectStoreException.class);
        if (already != null) {
            return already;
        }
        if (failure instanceof AwsServiceException service) {
            return new ObjectStoreException(reason(service), where + ": " + describe(service), failure);
        }
        if (failure instanceof SdkClientException client) {
            return new ObjectStoreException(reason(client), where + ": " + client.getMessage(), failure);
        }
        if (failure instanceof SdkException sdk) {
            return new ObjectStoreException(sdk.retryable() ? Reason.TRANSIENT : Reason.OTHER,
                    where + ": " + sdk.getMessage(), failure);
        }
        return new ObjectStoreException(find(failure, IOException.class) != null ? Reason.TRANSIENT : Reason.OTHER,
                where + ": " + failure.getMessage(), failure);
    }

    static boolean isNotFound(RuntimeException failure) {
        return failure instanceof AwsServiceException service && service.statusCode() == 404;
    }

    static String errorCode(AwsServiceException service) {
        return service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
    }

    private static Reason reason(AwsServiceException service) {
        int status = service.statusCode();
        String code = Objects.requireNonNullElse(errorCode(service), ""); // HEAD errors have no body
        if (status == 404) {
            return Reason.NOT_FOUND;
        }
        if (status == 412) {
            return Reason.PRECONDITION_FAILED;
        }
        if (status == 401 || status == 403 || PERMISSION_CODES.contains(code)) {
            return Reason.PERMISSION;
        }
        if (status == 429 || THROTTLING_CODES.contains(code) || service.isThrottlingException()) {
            return Reason.THROTTLED;
        }
        if (status == 501 || "NotImplemented".equals(code)) {
            return Reason.OTHER;
        }
        if (status >= 500 || TRANSIENT_CODES.contains(code)) {
            return Reason.TRANSIENT;
        }
        if (status == 400 && (CHECKSUM_CODES.contains(code) || mentionsChecksum(service))) {
            // S3 says BadDigest ("The CRC32C you specified did not match the calculated checksum.");
            // S3Mock says 400 BadRequest "Value for x-amz-checksum-crc32c header is invalid."
            return Reason.CHECKSUM_MISMATCH;
        }
        return Reason.OTHER;
    }

    private static Reason reason(SdkClientException client) {
        String message = String.valueOf(client.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("unable to load credentials")) {
            return Reason.PERMISSION;
        }
        if (client.retryable() || find(client, IOException.class) != null || message.contains("resetting")) {
            // Connection resets and timeouts the SDK gave up on, or a streamed put the SDK could not
            // replay for its own retry: the caller retries from its source.
            return Reason.TRANSIENT;
        }
        return Reason.OTHER;
    }

    private static boolean mentionsChecksum(AwsServiceException service) {
        String message = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorMessage();
        if (message == null) {
            message = service.getMessage();
        }
        String lower = String.valueOf(message).toLowerCase(Locale.ROOT);
        return lower.contains("checksum") || lower.contains("digest");
    }

    private static String describe(AwsServiceException service) {
        String code = errorCode(service);
        String message = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorMessage();
        return service.statusCode() + (code == null ? "" : " " + code) + (message == null ? "" : ": " + message)
                + (service.requestId() == null ? "" : " (request id " + service.requestId() + ")");
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
