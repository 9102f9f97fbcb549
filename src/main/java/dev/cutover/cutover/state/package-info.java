/**
 * What is stored about cutovers: the cutover rows (compare-and-set on a version), their steps,
 * approvals, and the runbook text each cutover pinned when it was created.
 */
package dev.cutover.cutover.state;
