/**
 * Notifications for people who are not looking at the screen: the runbook's {@code notify:} routes
 * events of the cutover's log (a gate waiting, a step failed or overrunning, a rollback, the end of
 * the cutover) to webhooks, Slack, Teams, PagerDuty and e-mail. Delivery runs on the module's own
 * bounded executor, is retried with back-off, and each delivery or final failure is written back to
 * the cutover's event log (actor {@code notifier}, action {@code notify}).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Notifications",
        allowedDependencies = { "cutover", "cutover :: eventlog", "runbook", "step" })
package dev.cutover.notify;
