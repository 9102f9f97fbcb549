/**
 * Runbooks: the YAML model (records), the loader and validation with file:line:column messages.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Runbooks", allowedDependencies = "step")
package dev.cutover.runbook;
