package dev.cutover.step;

/** A step gave up because an operator paused or aborted the cutover; it is not a failure. */
public class StepStoppedException extends Exception {

    public StepStoppedException(String message) {
        super(message);
    }
}
