package dev.cutover.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.storage.Crc32c;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What the S3 test peer itself checks, with the plain SDK: the adapter and the sync engine count on
 * S3 (and S3Mock, in tests) refusing bytes that do not match a declared CRC32C, per PutObject, per
 * part, and for a FULL_OBJECT multipart upload as a whole. If a new peer version stops checking, this
 * says so before the adapter's own checks hide it.
 */
class S3PeerChecksumTests {

    private final S3Client s3 = S3TestBuckets.admin();
    private final String bucket = S3TestBuckets.createBucket("peer");

    @Test
    void putObjectRefusesBytesThatDoNotMatchTheDeclaredCrc32c() {
        byte[] data = bytes(1000, 1);
        assertThatThrownBy(() -> s3.putObject(r -> r.bucket(bucket).key("k").checksumCRC32C(Crc32c.of(bytes(1000, 2))),
                RequestBody.fromBytes(data)))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
        assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();
    }

    @Test
    void fullObjectMultipartUploadsAreCheckedPerPartAndAsAWhole() {
        byte[] data = bytes((int) S3TestBuckets.PART_SIZE * 2 + 7, 3);
        String upload = create("whole");
        List<CompletedPart> parts = uploadParts("whole", upload, data);
        assertThatThrownBy(() -> s3.completeMultipartUpload(r -> r.bucket(bucket).key("whole").uploadId(upload)
                .multipartUpload(m -> m.parts(parts)).checksumType(ChecksumType.FULL_OBJECT)
                .checksumCRC32C(Crc32c.of(bytes(10, 4)))))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
        assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();

        String badPart = create("part");
        assertThatThrownBy(() -> s3.uploadPart(r -> r.bucket(bucket).key("part").uploadId(badPart).partNumber(1)
                .checksumCRC32C(Crc32c.of(bytes(10, 5))), RequestBody.fromBytes(bytes(1000, 6))))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));

        String good = create("good");
        List<CompletedPart> goodParts = uploadParts("good", good, data);
        s3.completeMultipartUpload(r -> r.bucket(bucket).key("good").uploadId(good)
                .multipartUpload(m -> m.parts(goodParts)).checksumType(ChecksumType.FULL_OBJECT)
                .checksumCRC32C(Crc32c.of(data)));
        assertThat(s3.headObject(r -> r.bucket(bucket).key("good").checksumMode(ChecksumMode.ENABLED)).checksumCRC32C())
                .isEqualTo(Crc32c.of(data));
    }

    private String create(String key) {
        return s3.createMultipartUpload(r -> r.bucket(bucket).key(key).checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
                .checksumType(ChecksumType.FULL_OBJECT)).uploadId();
    }

    private List<CompletedPart> uploadParts(String key, String uploadId, byte[] data) {
        List<CompletedPart> parts = new ArrayList<>();
        int partSize = (int) S3TestBuckets.PART_SIZE;
        for (int offset = 0, number = 1; offset < data.length; offset += partSize, number++) {
            byte[] part = Arrays.copyOfRange(data, offset, Math.min(data.length, offset + partSize));
            int n = number;
            String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(n)
                    .checksumCRC32C(Crc32c.of(part)), RequestBody.fromBytes(part)).eTag();
            parts.add(CompletedPart.builder().partNumber(n).eTag(etag).checksumCRC32C(Crc32c.of(part)).build());
        }
        return parts;
    }

    private static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }
}
