package dev.cutover.cutover.execution;

import java.util.List;

/**
 * A dead instance's phase was taken over and every step it cut off may run again by itself
 * ({@code autoResume: true} on a resumable step type): the phase is to be restarted now.
 */
public record ExecutionRecovered(String cutoverId, String phase, List<String> interruptedSteps) {
}
