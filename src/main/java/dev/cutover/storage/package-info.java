/**
 * Storage: the {@link dev.cutover.storage.ObjectStore} port with its gcs, s3 and filesystem
 * adapters, the streaming sync planner, and the sync and verify jobs and step types.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Storage", allowedDependencies = { "step", "runbook" })
package dev.cutover.storage;
