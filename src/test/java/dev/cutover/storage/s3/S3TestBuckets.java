package dev.cutover.storage.s3;

import dev.cutover.testpeers.TestPeers;
import java.net.URI;
import java.util.Locale;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Fresh buckets on the test peer (S3Mock from the test stack or Testcontainers), and settings for them. */
final class S3TestBuckets {

    static final String REGION = "us-east-1";
    /** Small enough that the contract's LARGE object (12 MiB) goes up in three parts. */
    static final long MULTIPART_THRESHOLD = 8L * 1024 * 1024;
    static final long PART_SIZE = 5L * 1024 * 1024;

    private static S3Client admin;

    private S3TestBuckets() {
    }

    /** Settings for the test peer and a bucket that does not exist yet. */
    static S3Settings settingsFor(String bucket) {
        return settingsFor(bucket, TestPeers.s3Endpoint());
    }

    static S3Settings settingsFor(String bucket, URI endpoint) {
        return S3Settings.of(bucket, REGION)
                .with(s -> s
                        .endpoint(endpoint, true)
                        .credentials("test", "test")
                        .multipart(MULTIPART_THRESHOLD, PART_SIZE));
    }

    /** Creates a bucket with a unique name starting with {@code label} and returns its name. */
    static String createBucket(String label) {
        String name = (label + "-" + UUID.randomUUID()).toLowerCase(Locale.ROOT);
        name = name.length() > 63 ? name.substring(0, 63) : name;
        String bucket = name;
        admin().createBucket(r -> r.bucket(bucket));
        return bucket;
    }

    /** A plain SDK client on the test peer, for setting things up and looking behind the adapter's back. */
    static synchronized S3Client admin() {
        if (admin == null) {
            admin = S3Client.builder()
                    .endpointOverride(TestPeers.s3Endpoint())
                    .forcePathStyle(true)
                    .region(Region.of(REGION))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .build();
        }
        return admin;
    }
}
