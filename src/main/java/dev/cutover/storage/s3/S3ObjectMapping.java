package dev.cutover.storage.s3;

import dev.cutover.storage.StoredObject;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** What S3's responses say about an object, as a {@link StoredObject}. */
final class S3ObjectMapping {

    private static final Pattern MD5_HEX = Pattern.compile("[0-9a-fA-F]{32}");

    private S3ObjectMapping() {
    }

    /** From a HeadObject with checksum mode enabled: size, CRC32C, MD5, generation, user metadata. */
    static StoredObject fromHead(String key, HeadObjectResponse head) {
        String etag = unquote(head.eTag());
        return new StoredObject(key, head.contentLength(), fullObjectCrc32c(head.checksumCRC32C(), head.checksumType()),
                md5(etag, head.serverSideEncryption(), head.sseCustomerAlgorithm()), etag, head.lastModified(),
                head.metadata());
    }

    /**
     * From a listing entry: S3 listings carry no checksum values (only the algorithm's name) and no user
     * metadata, so crc32c and metadata are unknown. A 32-hex-digit ETag is offered as the MD5: it is one
     * for single-part uploads; for SSE-KMS or SSE-C objects it is not, but then it cannot equal the
     * source's MD5, so the worst a wrong guess does is a needless copy, never a skipped one. This spares
     * a HEAD per object in every delta plan.
     */
    static StoredObject fromListing(String key, S3Object listed) {
        return new StoredObject(key, listed.size(), null, md5(listed.eTag(), null, null), unquote(listed.eTag()),
                listed.lastModified(), Map.of());
    }

    static StoredObject afterPut(String key, long size, String crc32c, String etag, String md5, Instant updated,
            Map<String, String> metadata) {
        // S3 metadata names are case-insensitive and come back in lower case: say what stat will say.
        Map<String, String> stored = new java.util.LinkedHashMap<>();
        metadata.forEach((name, value) -> stored.put(name.toLowerCase(Locale.ROOT), value));
        return new StoredObject(key, size, crc32c, md5, unquote(etag), updated, stored);
    }

    /**
     * S3's CRC32C is a whole-object CRC for single-part objects and for multipart uploads of type
     * FULL_OBJECT (what this adapter writes). Multipart uploads of type COMPOSITE (the default of other
     * tools) carry a CRC of the parts' CRCs with a {@code -N} suffix: not the object's CRC32C, so unknown.
     */
    static String fullObjectCrc32c(String checksum, ChecksumType type) {
        if (checksum == null || type == ChecksumType.COMPOSITE || checksum.contains("-")) {
            return null;
        }
        return checksum;
    }

    /**
     * An ETag of 32 hex digits is the MD5 of a single-part upload, unless the object is encrypted with
     * SSE-KMS or SSE-C; multipart ETags end in {@code -N}.
     */
    static String md5(String etag, ServerSideEncryption encryption, String customerAlgorithm) {
        String plain = unquote(etag);
        if (plain == null || !MD5_HEX.matcher(plain).matches() || customerAlgorithm != null
                || encryption == ServerSideEncryption.AWS_KMS || encryption == ServerSideEncryption.AWS_KMS_DSSE) {
            return null;
        }
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(plain.toLowerCase(Locale.ROOT)));
    }

    static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }
}
