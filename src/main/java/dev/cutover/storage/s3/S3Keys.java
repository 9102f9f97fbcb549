package dev.cutover.storage.s3;

/** Maps the port's keys to S3 keys under the store's prefix, and back. */
record S3Keys(String bucket, String prefix) {

    String s3Key(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("an object key must not be empty");
        }
        return prefix + key;
    }

    /** A listing prefix or start-after key: may be empty. */
    String s3Prefix(String keyPrefix) {
        return prefix + (keyPrefix == null ? "" : keyPrefix);
    }

    String key(String s3Key) {
        if (!s3Key.startsWith(prefix)) {
            throw new IllegalStateException("S3 returned key " + s3Key + " outside the prefix " + prefix);
        }
        return s3Key.substring(prefix.length());
    }

    String describe() {
        return "s3://" + bucket + "/" + prefix;
    }

    String where(String key) {
        return describe() + key;
    }
}
