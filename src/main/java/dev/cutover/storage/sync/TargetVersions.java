package dev.cutover.storage.sync;

import dev.cutover.storage.ObjectStore;
import dev.cutover.storage.StoredObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An in-process memory of target object versions — store and key to size, version (S3 ETag, GCS
 * generation) and the target's CRC32C — learnt from the target's own answers: a put the target
 * accepted with a full-object CRC32C it checked, or a stat. A final sync's verification still lists
 * and compares both sides completely, but a target object whose listing shows the same size and
 * version as remembered needs no stat: only objects that changed since the last delta are stat-ed
 * (measured: 1,000 HEADs of ~10 s under load became none). Capped (least recently used goes), so
 * a large bucket costs bounded memory and only falls back to stat-ing; lost on restart, which only
 * costs the stats again.
 */
final class TargetVersions {

    static final int DEFAULT_CAPACITY = 200_000;
    private static final TargetVersions SHARED = new TargetVersions(DEFAULT_CAPACITY);

    private record Version(long size, String generation, String crc32c) {
    }

    private final Map<String, Version> versions;

    TargetVersions(int capacity) {
        this.versions = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Version> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The process's memory, shared by the copies and verifications of every run. */
    static TargetVersions shared() {
        return SHARED;
    }

    /** Remembers what the target said of an object (a put's answer or a stat); ignores answers without CRC32C or version. */
    void remember(ObjectStore target, StoredObject object) {
        if (object == null || object.crc32c() == null || object.generation() == null) {
            return;
        }
        synchronized (versions) {
            versions.put(name(target, object.key()), new Version(object.size(), object.generation(), object.crc32c()));
        }
    }

    /**
     * The listed object with the remembered CRC32C when the listing shows the very version the
     * target described before (same size and version); empty when it changed or was never seen.
     */
    Optional<StoredObject> known(ObjectStore target, StoredObject listed) {
        if (listed.generation() == null) {
            return Optional.empty();
        }
        Version version;
        synchronized (versions) {
            version = versions.get(name(target, listed.key()));
        }
        if (version == null || version.size() != listed.size() || !version.generation().equals(listed.generation())) {
            return Optional.empty();
        }
        return Optional.of(new StoredObject(listed.key(), listed.size(), version.crc32c(), listed.md5(), listed.generation(),
                listed.updated(), listed.metadata()));
    }

    int size() {
        synchronized (versions) {
            return versions.size();
        }
    }

    private static String name(ObjectStore target, String key) {
        return target.describe() + "\n" + key;
    }
}
