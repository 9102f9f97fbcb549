/**
 * The append-only event log of every cutover, and its live delivery to screens as server-sent
 * events (one bounded queue and one sender per client). Published as the named interface
 * {@code eventlog}: the dashboard's report reads the log through it.
 */
@org.springframework.modulith.NamedInterface("eventlog")
package dev.cutover.cutover.eventlog;
