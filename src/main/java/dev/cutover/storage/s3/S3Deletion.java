package dev.cutover.storage.s3;

import dev.cutover.storage.BucketKeys;
import software.amazon.awssdk.services.s3.S3Client;

/** DeleteObject; an absent object is not an error (S3 answers 204 either way). */
final class S3Deletion {

    private final S3Client s3;
    private final BucketKeys keys;

    S3Deletion(S3Client s3, BucketKeys keys) {
        this.s3 = s3;
        this.keys = keys;
    }

    void delete(String key) {
        try {
            s3.deleteObject(r -> r.bucket(keys.bucket()).key(keys.name(key)));
        } catch (RuntimeException e) {
            if (!S3Errors.isNotFound(e)) {
                throw S3Errors.translate(keys.where(key), e);
            }
        }
    }
}
