package dev.cutover.storage;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The manifest of one sync or verification run, with live progress while it runs. */
public record SyncRun(long id, Kind kind, SyncMode mode, State state, String cutoverId, String stepId,
                      String runbook, String environment, String actor, String source, String target,
                      Long jobExecutionId, Instant startedAt, Instant endedAt, long plannedObjects, long plannedBytes,
                      long listedObjects, long listedBytes, long copiedObjects, long copiedBytes, long skippedObjects,
                      long skippedBytes, long failedObjects, long extraObjects, long deletedObjects,
                      long requeuedObjects, long mismatches, String message) {

    /** What a run does; written {@code sync} or {@code verify} in the API and the database. */
    public enum Kind {
        /** Copies what the plan says is new or changed (and, in mode final, verifies after). */
        SYNC,
        /** Compares every object of source and target and reports mismatches; copies nothing. */
        VERIFY;

        /** The lowercase name the API answers and the database stores. */
        @JsonValue
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind of(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    /** Where a run is; written by name in the API and the database. */
    public enum State {
        RUNNING,
        /** Every planned object copied (or, for a verification, no mismatch). */
        COMPLETED,
        /** Objects failed, the verification found mismatches, or the run could not go on. */
        FAILED,
        /** Stopped by an operator after its last chunk; restarting the step resumes it. */
        STOPPED,
        /** The service stopped while it ran; restarting the step resumes it. */
        INTERRUPTED;

        /** Stopped or interrupted: restarting its step continues the run from its last committed chunk. */
        public boolean resumable() {
            return this == STOPPED || this == INTERRUPTED;
        }

        /** For messages: "sync run 7 failed". */
        public String inWords() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean running() {
        return state == State.RUNNING;
    }

    public Duration elapsed() {
        return Duration.between(startedAt, endedAt == null ? Instant.now() : endedAt);
    }

    /** The run's figures as recorded with an event: what a step or a scheduled delta says it did. */
    public Map<String, Object> evidence() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("syncRunId", id);
        evidence.put("mode", mode.name().toLowerCase(Locale.ROOT));
        evidence.put("source", source);
        evidence.put("target", target);
        evidence.put("listedObjects", listedObjects);
        evidence.put("listedBytes", listedBytes);
        evidence.put("copiedObjects", copiedObjects);
        evidence.put("copiedBytes", copiedBytes);
        evidence.put("skippedObjects", skippedObjects);
        evidence.put("failedObjects", failedObjects);
        evidence.put("extraObjects", extraObjects);
        evidence.put("requeuedObjects", requeuedObjects);
        evidence.put("mismatches", mismatches);
        evidence.put("durationMs", elapsed().toMillis());
        evidence.put("throughputBytesPerSecond", Math.round(throughput(copiedBytes)));
        return evidence;
    }

    /** Bytes per second so far. */
    public double throughput(long bytesDone) {
        double seconds = Math.max(elapsed().toMillis(), 1) / 1000.0;
        return bytesDone / seconds;
    }
}
