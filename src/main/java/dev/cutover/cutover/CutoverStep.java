package dev.cutover.cutover;

import java.time.Instant;

/** The progress of one runbook step within a cutover; {@code output} is JSON. */
public record CutoverStep(String cutoverId, String phase, String stepId, int position, String type, String owner,
                          StepState state, int attempts, Instant startedAt, Instant endedAt, String output) {
}
