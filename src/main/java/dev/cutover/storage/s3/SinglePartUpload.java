package dev.cutover.storage.s3;

import dev.cutover.storage.BucketKeys;
import dev.cutover.storage.ObjectStoreException;
import dev.cutover.storage.ObjectStoreException.Reason;
import dev.cutover.storage.PutOptions;
import dev.cutover.storage.StoredObject;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * One PutObject. With a declared CRC32C it travels as {@code x-amz-checksum-crc32c}: S3 (and S3Mock)
 * refuse bytes that do not match before the object becomes visible. Without one, the SDK computes a
 * CRC32C trailer, so the stored object still gets a full-object CRC32C that S3 checked.
 */
final class SinglePartUpload {

    static final String CONTENT_TYPE = "application/octet-stream";

    private final S3Client s3;
    private final BucketKeys keys;
    private final S3Deletion deletion;

    SinglePartUpload(S3Client s3, BucketKeys keys, S3Deletion deletion) {
        this.s3 = s3;
        this.keys = keys;
        this.deletion = deletion;
    }

    StoredObject put(String key, InputStream data, long size, PutOptions options) {
        String where = keys.where(key);
        String contentType = options.contentType() == null ? CONTENT_TYPE : options.contentType();
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(keys.bucket())
                .key(keys.name(key))
                .contentLength(size)
                .contentType(contentType)
                .metadata(options.metadata());
        if (options.crc32c() != null) {
            request.checksumCRC32C(options.crc32c());
        } else {
            request.checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
        }
        ChecksummedBody body = new ChecksummedBody(data);
        PutObjectResponse response;
        try {
            response = s3.putObject(request.build(), RequestBody.fromContentProvider(body, size, contentType));
        } catch (RuntimeException e) {
            ObjectStoreException failure = S3Errors.translate(where, e);
            if (failure.reason() != Reason.CHECKSUM_MISMATCH) {
                throw failure;
            }
            boolean readRight = options.crc32c() == null
                    || body.count() == size && options.crc32c().equals(body.crc32c());
            if (readRight) {
                // What we read had the checksum we sent (declared, or computed by the SDK): S3 received
                // other bytes. Corrupted on the way, not at the source: worth another attempt.
                throw new ObjectStoreException(Reason.TRANSIENT, where + ": S3 received bytes that do not have the"
                        + " CRC32C they were sent with (corrupted on the way; try again): " + failure.getMessage(), e);
            }
            throw new ObjectStoreException(Reason.CHECKSUM_MISMATCH, where + ": S3 refused the bytes: they do not"
                    + " have the declared CRC32C " + options.crc32c() + " (" + failure.getMessage() + ")", e);
        }
        String sent = body.crc32c();
        if (options.crc32c() != null && !options.crc32c().equals(sent)) {
            // The server stored bytes that do not match the declared checksum without complaining (a store
            // that ignores x-amz-checksum-crc32c): take the object away again before anyone relies on it.
            deletion.delete(key);
            throw new ObjectStoreException(Reason.CHECKSUM_MISMATCH, where
                    + ": the bytes read had CRC32C " + sent + ", not the declared " + options.crc32c()
                    + "; the server did not check it, so the object was deleted again");
        }
        String crc32c = options.crc32c() != null ? options.crc32c() : sent;
        return S3ObjectMapping.afterPut(key, size, crc32c, response.eTag(),
                S3ObjectMapping.md5(response.eTag(), response.serverSideEncryption(), response.sseCustomerAlgorithm()),
                serverTime(response.sdkHttpResponse()), options.metadata());
    }

    /** The server's clock (the response's Date header) approximates Last-Modified without another request. */
    static Instant serverTime(SdkHttpResponse response) {
        return response.firstMatchingHeader("Date").map(date -> {
            try {
                return ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                return null;
            }
        }).orElseGet(Instant::now);
    }
}
