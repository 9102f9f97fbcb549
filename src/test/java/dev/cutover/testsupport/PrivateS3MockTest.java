package dev.cutover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testpeers.TestPeers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A SIGKILL in the middle of S3Mock's rewrite of a bucket's metadata leaves that file empty (seen in CI:
 * S3PeerKilledMidSyncTests' restarted S3Mock answered 500 to everything for 60 s). The fixture repairs
 * it on the kill, as S3 would come back: the bucket with every object whose put completed.
 */
class PrivateS3MockTest {

    @Test
    void aBucketWhoseMetadataTheKillCutOffComesBackWithItsObjects() throws Exception {
        try (PrivateS3Mock s3mock = PrivateS3Mock.start()) {
            try (S3Client s3 = client(s3mock)) {
                s3.createBucket(b -> b.bucket("cut"));
                s3.putObject(b -> b.bucket("cut").key("a/1.txt"), RequestBody.fromString("one"));
                s3.putObject(b -> b.bucket("cut").key("a/2.txt"), RequestBody.fromString("two"));
            }
            s3mock.kill();
            Path root = s3mock.storeRoot();
            try (Stream<Path> files = Files.walk(root)) {
                Path metadata = files.filter(f -> f.getFileName().toString().equals("bucketMetadata.json"))
                        .findFirst().orElseThrow();
                Files.write(metadata, new byte[0]); // what a kill in the middle of its rewrite leaves
            }
            s3mock.startAgain();
            try (S3Client s3 = client(s3mock)) {
                assertThat(s3.listObjectsV2(b -> b.bucket("cut")).contents()).extracting(S3Object::key)
                        .containsExactly("a/1.txt", "a/2.txt");
                assertThat(s3.getObjectAsBytes(b -> b.bucket("cut").key("a/2.txt")).asUtf8String()).isEqualTo("two");
            }
        }
    }

    private static S3Client client(PrivateS3Mock s3mock) {
        return TestPeers.s3Client(s3mock.endpoint());
    }
}
