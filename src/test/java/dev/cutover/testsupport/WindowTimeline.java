package dev.cutover.testsupport;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The write window's timeline as the benches print it: every step from the freeze on, as an
 * offset from the freeze's start, its duration and its biggest waits — read from the
 * {@code timing} each step's evidence carries.
 */
public final class WindowTimeline {

    private WindowTimeline() {
    }

    /** One line per step from {@code freezeStep} to {@code lastStep} (inclusive), in run order. */
    public static List<String> lines(JsonNode cutover, String freezeStep, String lastStep) {
        List<JsonNode> steps = new ArrayList<>();
        for (JsonNode phase : cutover.path("phases")) {
            for (JsonNode step : phase.path("steps")) {
                steps.add(step);
            }
        }
        List<String> lines = new ArrayList<>();
        JsonNode freeze = Api.step(cutover, freezeStep).path("output").path("evidence").path("timing");
        if (freeze.isMissingNode()) {
            lines.add("window timeline: " + freezeStep + " has no timing");
            return lines;
        }
        long zero = freeze.path("startedAtEpochMs").asLong();
        boolean inside = false;
        for (JsonNode step : steps) {
            String id = step.path("id").asString();
            inside = inside || id.equals(freezeStep);
            if (!inside) {
                continue;
            }
            JsonNode timing = step.path("output").path("evidence").path("timing");
            if (timing.isMissingNode()) {
                lines.add("  %-26s (no timing: %s)".formatted(id, step.path("state").asString()));
            } else {
                List<String> waits = new ArrayList<>();
                for (JsonNode wait : timing.path("waits")) {
                    if (waits.size() == 3) {
                        break;
                    }
                    waits.add(wait.path("on").asString() + " " + wait.path("count").asLong() + "x "
                            + wait.path("ms").asLong() + "ms");
                }
                lines.add("  %-26s +%6d ms %6d ms  %s".formatted(id, timing.path("startedAtEpochMs").asLong() - zero,
                        timing.path("durationMs").asLong(), String.join("; ", waits)));
            }
            if (id.equals(lastStep)) {
                break;
            }
        }
        lines.add(0, "window timeline (offsets from the start of " + freezeStep + "; step, start, duration, biggest waits):");
        return lines;
    }
}
