/**
 * Storage. This package is the module's published API: the {@link dev.cutover.storage.ObjectStore}
 * port and its values, {@link dev.cutover.storage.ObjectStores} to open one by connection, and the
 * sync's spec, mode and run manifest. Inside the module: {@code plan}, the streaming merge-join that
 * decides what a sync copies; {@code sync}, the sync and verify jobs, schedules, step types and REST
 * API; {@code gcs}, {@code s3} and {@code filesystem}, the adapters, each registering its opener.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Storage", allowedDependencies = { "step", "runbook", "instance" })
package dev.cutover.storage;
