package dev.cutover.storage.gcs;

import com.google.cloud.storage.BlobId;

/** Maps the port's keys to object names under the store's prefix, and back. */
record GcsKeys(String bucket, String prefix) {

    BlobId blobId(String key) {
        return BlobId.of(bucket, name(key));
    }

    /** The object's {@code generation}: reading it fails with 404 once that generation is no longer live. */
    BlobId blobId(String key, long generation) {
        return BlobId.of(bucket, name(key), generation);
    }

    String name(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("an object key must not be empty");
        }
        return prefix + key;
    }

    /** A listing prefix or start offset: may be empty. */
    String namePrefix(String keyPrefix) {
        return prefix + (keyPrefix == null ? "" : keyPrefix);
    }

    String key(String name) {
        if (!name.startsWith(prefix)) {
            throw new IllegalStateException("GCS returned object " + name + " outside the prefix " + prefix);
        }
        return name.substring(prefix.length());
    }

    String describe() {
        return "gcs://" + bucket + "/" + prefix;
    }

    String where(String key) {
        return describe() + key;
    }
}
