/**
 * Hooks: the generic step types a runbook glues phases together with — {@code command} (a shell
 * command with a timeout, captured output and process-tree kill), {@code http-check} (a probe with
 * retries), {@code wait} and {@code manual} (a human checklist and approval).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Hooks", allowedDependencies = "step")
package dev.cutover.hooks;
