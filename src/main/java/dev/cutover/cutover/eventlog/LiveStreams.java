package dev.cutover.cutover.eventlog;

import java.util.Set;
import java.util.function.Function;

/**
 * What screens that hold a cutover's event stream may be sent besides the log: the dashboard renders
 * its live parts once per change and per audience and pushes them here, instead of every open page
 * fetching them again on every event.
 */
public interface LiveStreams {

    /** The audiences (authorities of the viewer) of the open streams of a cutover that asked for live parts. */
    Set<Set<String>> audiences(String cutoverId);

    /**
     * Sends an event named {@code name} (no id: it is not part of the log) to every stream of the
     * cutover that asked for live parts, with the data for its audience, where it differs from what
     * that audience was sent last; {@code null} data sends nothing. A stream that opens later gets the
     * last data of its audience at once.
     */
    void push(String cutoverId, String name, Function<Set<String>, String> dataForAudience);

    /** Published when a stream asks for live parts that its audience was never sent: render them now. */
    record Opened(String cutoverId, Set<String> audience) {
    }
}
