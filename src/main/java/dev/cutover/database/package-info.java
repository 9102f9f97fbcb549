/**
 * Databases: replication status, lag gates, the write freeze, promotion and data checks for
 * MySQL/MariaDB ({@code mysql}) and MongoDB ({@code mongo}). The monitored databases come from the
 * runbook's connections, never from the service's own datasource. Fallback snapshots
 * ({@code mysql-snapshot}, {@code mongo-snapshot}) are written through the storage module's
 * {@link dev.cutover.storage.ObjectStore} port, its only use of another module.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Databases", allowedDependencies = { "step", "storage" })
package dev.cutover.database;
