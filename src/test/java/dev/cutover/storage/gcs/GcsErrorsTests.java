package dev.cutover.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.StorageException;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.ObjectStoreException.Reason;
import java.io.IOException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

class GcsErrorsTests {

    @Test
    void statusAndReasonDecide() {
        assertThat(reason(404, "notFound", "No such object: b/k")).isEqualTo(Reason.NOT_FOUND);
        assertThat(reason(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold."))
                .isEqualTo(Reason.PRECONDITION_FAILED);
        assertThat(reason(400, "invalid", "Provided CRC32C \"AAAAAA==\" doesn't match calculated CRC32C \"tY3VIQ==\"."))
                .isEqualTo(Reason.CHECKSUM_MISMATCH);
        assertThat(reason(400, "invalid", "Provided MD5 hash \"x\" doesn't match calculated MD5 hash \"y\"."))
                .isEqualTo(Reason.CHECKSUM_MISMATCH);
        assertThat(reason(400, "invalid", "Invalid argument.")).isEqualTo(Reason.OTHER);
        assertThat(reason(401, "required", "Anonymous caller")).isEqualTo(Reason.PERMISSION);
        assertThat(reason(403, "forbidden", "does not have storage.objects.get access")).isEqualTo(Reason.PERMISSION);
        assertThat(reason(403, "userRateLimitExceeded", "slow down")).isEqualTo(Reason.THROTTLED);
        assertThat(reason(429, "rateLimitExceeded", "slow down")).isEqualTo(Reason.THROTTLED);
        assertThat(reason(503, "backendError", "Backend Error")).isEqualTo(Reason.TRANSIENT);
        assertThat(reason(500, "internalError", "Internal Error")).isEqualTo(Reason.TRANSIENT);
        assertThat(reason(408, "", "Request timeout")).isEqualTo(Reason.TRANSIENT);
        assertThat(reason(501, "notImplemented", "no")).isEqualTo(Reason.OTHER);
    }

    @Test
    void failuresWithoutAnAnswer() {
        assertThat(GcsErrors.translate("x", new StorageException(new SocketTimeoutException("Read timed out"))).reason())
                .isEqualTo(Reason.TRANSIENT);
        assertThat(GcsErrors.translate("x", new IOException("Connection reset")).reason()).isEqualTo(Reason.TRANSIENT);
        assertThat(GcsErrors.translate("x", new StorageException(new IOException(
                "Your default credentials were not found. To set up Application Default Credentials, see ..."))).reason())
                .isEqualTo(Reason.PERMISSION);
        assertThat(GcsErrors.translate("x", new IllegalStateException("bug")).reason()).isEqualTo(Reason.OTHER);
    }

    @Test
    void aStorageExceptionInsideAnIoExceptionIsFound() {
        IOException read = new IOException(new StorageException(412, "At least one of the pre-conditions"));
        assertThat(GcsErrors.translate("x", read).reason()).isEqualTo(Reason.PRECONDITION_FAILED);
    }

    @Test
    void anObjectStoreExceptionInsideIsKept() {
        ObjectStoreException inner = new ObjectStoreException(Reason.NOT_FOUND, "source gone");
        assertThat(GcsErrors.translate("x", new IOException("read failed", inner))).isSameAs(inner);
    }

    @Test
    void messagesSayWhereAndWhatGcsSaid() {
        String exchange = "400 Bad Request\nPUT http://host/upload/storage/v1/b/b/o?uploadType=resumable\n"
                + "{\"error\":{\"message\":\"Provided CRC32C \\\"oBbQUg==\\\" doesn't match calculated CRC32C \\\"tY3VIQ==\\\".\","
                + "\"code\":400}}";
        ObjectStoreException e = GcsErrors.translate("gcs://b/k", new StorageException(400, exchange));
        assertThat(e.getMessage())
                .isEqualTo("gcs://b/k: 400: Provided CRC32C \"oBbQUg==\" doesn't match calculated CRC32C \"tY3VIQ==\".");
        assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH);
    }

    private static Reason reason(int status, String reason, String message) {
        return GcsErrors.translate("x", new StorageException(status, message, reason, null)).reason();
    }
}
