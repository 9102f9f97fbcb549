package dev.cutover.storage;

/** Optional: a store that copies an object to another key of its own without moving the bytes. */
public interface ServerSideCopy {

    StoredObject copy(String sourceKey, String targetKey);
}
