package dev.cutover.cutover.state;

import java.util.List;

/**
 * An extra condition on a write of a step's row ({@code AND <condition>} with its parameters): the
 * write lands only while it holds, and the repository says whether it did.
 */
public record StepRowGuard(String condition, List<Object> params) {

    public StepRowGuard {
        params = List.copyOf(params);
    }
}
