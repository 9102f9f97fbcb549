/**
 * The append-only event log of every cutover, and its live delivery to screens as server-sent
 * events (one bounded queue and one sender per client).
 */
package dev.cutover.cutover.eventlog;
