/**
 * Databases: replication status, lag gates, the write freeze, promotion and data checks for
 * MySQL/MariaDB ({@code mysql}) and MongoDB ({@code mongo}). The monitored databases come from the
 * runbook's connections, never from the service's own datasource.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Databases", allowedDependencies = { "step" })
package dev.cutover.database;
