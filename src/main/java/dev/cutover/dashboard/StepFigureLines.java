package dev.cutover.dashboard;

import dev.cutover.cutover.CutoverView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a step's progress figures say, in the words of its row: a storage sync's objects and bytes
 * done of planned, its throughput and an ETA that says why when it cannot be given (throttled,
 * paused, still listing) — never "N/A"; a sampled gate's last sample and how many in a row it has.
 *
 * @param facts   short facts, e.g. "1,204 of 5,000 objects", "12.5 MiB/s"
 * @param eta     the ETA or why there is none; null for a step that has no ETA
 * @param etaHeld true when the ETA is held back by something the row names
 * @param heldBy  what holds the step: the figures' {@code heldBy}, or a closed gate's last sample
 */
record StepFigureLines(List<String> facts, String eta, boolean etaHeld, List<String> heldBy) {

    static StepFigureLines of(CutoverView.StepView step, List<String> reportedHeldBy) {
        Map<?, ?> figures = step.output().get("figures") instanceof Map<?, ?> map ? map : Map.of();
        if (figures.containsKey("plannedObjects")) {
            return sync(step, figures, reportedHeldBy);
        }
        if (figures.containsKey("required") && figures.containsKey("consecutive")) {
            return gate(figures, reportedHeldBy);
        }
        return new StepFigureLines(List.of(), null, false, reportedHeldBy);
    }

    private static StepFigureLines sync(CutoverView.StepView step, Map<?, ?> figures, List<String> heldBy) {
        long objects = number(figures, "copiedObjects");
        long plannedObjects = number(figures, "plannedObjects");
        long bytes = number(figures, "copiedBytes");
        long plannedBytes = number(figures, "plannedBytes");
        long rate = number(figures, "throughputBytesPerSecond");
        boolean verify = "verify".equals(figures.get("kind"));
        List<String> facts = new ArrayList<>();
        if (verify) {
            facts.add(String.format(Locale.ROOT, "%,d objects compared", number(figures, "listedObjects")));
        } else {
            facts.add(String.format(Locale.ROOT, "%,d of %,d objects", objects, plannedObjects));
            facts.add(bytes(bytes) + " of " + bytes(plannedBytes));
            if (rate > 0) {
                facts.add(bytes(rate) + "/s");
            }
        }
        if (!StepRemaining.underWay(step)) {
            String eta = switch (step.state()) {
                case "STOPPED" -> "no ETA: paused; resuming continues from the last checkpoint";
                case "INTERRUPTED" -> "no ETA: interrupted; restarting the phase continues from the last checkpoint";
                default -> null;
            };
            return new StepFigureLines(facts, eta, eta != null, heldBy);
        }
        if (!heldBy.isEmpty()) {
            return new StepFigureLines(facts, "ETA held: " + String.join("; ", heldBy), true, List.of());
        }
        if (verify) {
            return new StepFigureLines(facts, null, false, heldBy);
        }
        if (plannedObjects == 0 && plannedBytes == 0) {
            return new StepFigureLines(facts, "no ETA yet: still listing source and target", true, heldBy);
        }
        if (rate <= 0) {
            return new StepFigureLines(facts, "no ETA yet: no bytes copied so far", true, heldBy);
        }
        long left = Math.max(0, plannedBytes - bytes);
        return new StepFigureLines(facts, "ETA " + Spans.words(Duration.ofSeconds(left / rate))
                + " at the rate so far", false, heldBy);
    }

    private static StepFigureLines gate(Map<?, ?> figures, List<String> heldBy) {
        List<String> facts = new ArrayList<>();
        if (figures.get("sample") instanceof String sample) {
            facts.add("last sample: " + sample);
        }
        facts.add(number(figures, "consecutive") + " of " + number(figures, "required") + " samples in a row within bounds");
        List<String> held = heldBy;
        if (held.isEmpty() && "outside".equals(figures.get("verdict")) && figures.get("sample") instanceof String sample) {
            held = List.of(sample);
        }
        return new StepFigureLines(facts, null, false, held);
    }

    private static long number(Map<?, ?> figures, String key) {
        return figures.get(key) instanceof Number number ? number.longValue() : 0;
    }

    /** 1,536 B, 12.5 KiB, 3.2 GiB, 21.0 TiB. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return String.format(Locale.ROOT, "%,d B", bytes);
        }
        String[] units = { "KiB", "MiB", "GiB", "TiB", "PiB" };
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
