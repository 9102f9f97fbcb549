package dev.cutover.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.ObjectStoreException.Reason;
import java.io.IOException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ErrorsTest {

    @Test
    void statusAndCodeDecideTheReason() {
        assertThat(reason(404, "NoSuchKey", null)).isEqualTo(Reason.NOT_FOUND);
        assertThat(reason(404, "NoSuchBucket", null)).isEqualTo(Reason.NOT_FOUND);
        assertThat(reason(412, "PreconditionFailed", null)).isEqualTo(Reason.PRECONDITION_FAILED);
        assertThat(reason(400, "BadDigest", "The CRC32C you specified did not match the calculated checksum."))
                .isEqualTo(Reason.CHECKSUM_MISMATCH);
        assertThat(reason(400, "InvalidDigest", null)).isEqualTo(Reason.CHECKSUM_MISMATCH);
        assertThat(reason(400, "BadRequest", "Value for x-amz-checksum-crc32c header is invalid."))
                .isEqualTo(Reason.CHECKSUM_MISMATCH);
        assertThat(reason(403, "AccessDenied", null)).isEqualTo(Reason.PERMISSION);
        assertThat(reason(400, "ExpiredToken", null)).isEqualTo(Reason.PERMISSION);
        assertThat(reason(503, "SlowDown", null)).isEqualTo(Reason.THROTTLED);
        assertThat(reason(429, "TooManyRequests", null)).isEqualTo(Reason.THROTTLED);
        assertThat(reason(503, "ServiceUnavailable", null)).isEqualTo(Reason.TRANSIENT);
        assertThat(reason(500, "InternalError", null)).isEqualTo(Reason.TRANSIENT);
        assertThat(reason(400, "RequestTimeout", null)).isEqualTo(Reason.TRANSIENT);
        assertThat(reason(501, "NotImplemented", null)).isEqualTo(Reason.OTHER);
        assertThat(reason(400, "InvalidArgument", "Invalid range")).isEqualTo(Reason.OTHER);
    }

    @Test
    void clientSideFailures() {
        SdkClientException reset = SdkClientException.builder().message("Unable to execute HTTP request")
                .cause(new IOException("Connection reset")).build();
        SdkClientException timeout = SdkClientException.builder().message("Read timed out")
                .cause(new SocketTimeoutException()).build();
        SdkClientException credentials = SdkClientException.builder()
                .message("Unable to load credentials from any of the providers in the chain").build();
        assertThat(S3Errors.translate("x", reset).reason()).isEqualTo(Reason.TRANSIENT);
        assertThat(S3Errors.translate("x", timeout).reason()).isEqualTo(Reason.TRANSIENT);
        assertThat(S3Errors.translate("x", credentials).reason()).isEqualTo(Reason.PERMISSION);
    }

    @Test
    void anObjectStoreExceptionInsideIsKept() {
        ObjectStoreException inner = new ObjectStoreException(Reason.NOT_FOUND, "source gone");
        SdkClientException wrapped = SdkClientException.builder().message("read failed").cause(inner).build();
        assertThat(S3Errors.translate("x", wrapped)).isSameAs(inner);
    }

    @Test
    void messagesSayWhereAndWhat() {
        ObjectStoreException e = S3Errors.translate("s3://b/k", s3(503, "SlowDown", "Please reduce your request rate."));
        assertThat(e.getMessage()).isEqualTo("s3://b/k: 503 SlowDown: Please reduce your request rate. (request id r1)");
    }

    private static Reason reason(int status, String code, String message) {
        return S3Errors.translate("s3://b/k", s3(status, code, message)).reason();
    }

    private static S3Exception s3(int status, String code, String message) {
        return (S3Exception) S3Exception.builder().statusCode(status).requestId("r1")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
                .message(message).build();
    }
}
