/** Cross-cutting configuration: security, problem answers, idempotent POSTs, observability. */
@org.springframework.modulith.ApplicationModule(displayName = "System")
package dev.cutover.system;
