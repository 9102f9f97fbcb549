package dev.cutover.database.mongo;

import dev.cutover.step.DurationText;
import dev.cutover.step.GateSample;
import dev.cutover.step.SampledGate.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Whether target members are close enough to the primary, read from one status. A target that is
 * unhealthy or neither SECONDARY nor PRIMARY is broken (RECOVERING, STARTUP2 and ROLLBACK members
 * do not replicate normally, and waiting for them hides the problem); a target that is already
 * PRIMARY has lag 0, so a check can run again after a promotion. Without a primary the lag is
 * unknown, which is outside the bound, never within it. {@code charted} holds one reading per
 * target for the lag charts, with a null lag wherever it is unknown.
 */
record LagCheck(Verdict verdict, String summary, List<GateSample> charted) {

    static LagCheck of(ReplicaSetStatus status, List<MemberStatus> targets, Duration maxLag) {
        long thresholdMs = maxLag.toMillis();
        List<GateSample> charted = new ArrayList<>();
        for (MemberStatus target : targets) {
            boolean broken = !target.healthy() || (!target.isSecondary() && !target.isPrimary());
            OptionalDouble lag = status.primary().isEmpty() ? OptionalDouble.empty() : status.lagSeconds(target);
            charted.add(lag.isPresent() && !broken
                    ? GateSample.of(target.name(), Math.round(lag.getAsDouble() * 1000), thresholdMs)
                    : GateSample.unknown(target.name(), thresholdMs, broken));
        }
        if (status.primary().isEmpty()) {
            return new LagCheck(Verdict.OUTSIDE, "replica set " + status.setName() + " has no primary: lag unknown", charted);
        }
        List<String> behind = new ArrayList<>();
        List<String> lags = new ArrayList<>();
        for (MemberStatus target : targets) {
            if (!target.healthy()) {
                return new LagCheck(Verdict.BROKEN, "target " + target.name() + " is unhealthy (" + target.stateStr() + ")",
                        charted);
            }
            if (!target.isSecondary() && !target.isPrimary()) {
                return new LagCheck(Verdict.BROKEN, "target " + target.name() + " is " + target.stateStr() + ", not SECONDARY",
                        charted);
            }
            OptionalDouble lag = status.lagSeconds(target);
            String text = target.name() + " " + (lag.isPresent() ? lag.getAsDouble() + " s" : "unknown");
            lags.add(text);
            if (lag.isEmpty() || lag.getAsDouble() * 1000 > maxLag.toMillis()) {
                behind.add(text);
            }
        }
        return behind.isEmpty()
                ? new LagCheck(Verdict.WITHIN, "lag within " + DurationText.of(maxLag) + ": " + String.join(", ", lags), charted)
                : new LagCheck(Verdict.OUTSIDE, "behind by more than " + DurationText.of(maxLag) + ": " + String.join(", ", behind),
                        charted);
    }
}
