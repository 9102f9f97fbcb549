package dev.cutover.storage;

import java.util.Objects;

/**
 * Maps the port's keys to the names a bucket holds them under (the store's prefix before each), and
 * back. {@code scheme} names the service in descriptions, e.g. {@code gcs} for {@code gcs://bucket/prefix/}.
 */
public record BucketKeys(String scheme, String bucket, String prefix) {

    public BucketKeys {
        prefix = normalizePrefix(prefix);
    }

    /**
     * A prefix as stores keep it: no leading {@code /} (object names do not start with one) and, unless
     * empty, a trailing {@code /}, so that prefix {@code logs} never maps keys into {@code logs2/}.
     */
    public static String normalizePrefix(String prefix) {
        String p = Objects.requireNonNullElse(prefix, "");
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        return p.isEmpty() || p.endsWith("/") ? p : p + "/";
    }

    /** The name in the bucket of an object's key. */
    public String name(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("an object key must not be empty");
        }
        return prefix + key;
    }

    /** A listing prefix or start key: may be empty. */
    public String namePrefix(String keyPrefix) {
        return prefix + (keyPrefix == null ? "" : keyPrefix);
    }

    /** The key of a name the service listed or returned. */
    public String key(String name) {
        if (!name.startsWith(prefix)) {
            throw new IllegalStateException(describe() + " returned object " + name + " outside the prefix " + prefix);
        }
        return name.substring(prefix.length());
    }

    /** E.g. {@code s3://bucket/prefix/}. */
    public String describe() {
        return scheme + "://" + bucket + "/" + prefix;
    }

    /** Where one object is, for messages. */
    public String where(String key) {
        return describe() + key;
    }
}
