package dev.cutover.cutover;

import java.util.List;

/**
 * Published when a sampled gate stored its readings of one sample: the event stream sends it to
 * open dashboards as a {@code gate-sample} event (no SSE id: it is not part of the event log).
 * Each series holds the new point(s) only.
 */
public record GateSamplesRecorded(String cutoverId, String stepId, List<GateSeries> series) {
}
