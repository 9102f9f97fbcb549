package dev.cutover.database.mongo;

import dev.cutover.step.DurationText;
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
 * unknown, which is outside the bound, never within it.
 */
record LagCheck(Verdict verdict, String summary) {

    static LagCheck of(ReplicaSetStatus status, List<MemberStatus> targets, Duration maxLag) {
        if (status.primary().isEmpty()) {
            return new LagCheck(Verdict.OUTSIDE, "replica set " + status.setName() + " has no primary: lag unknown");
        }
        List<String> behind = new ArrayList<>();
        List<String> lags = new ArrayList<>();
        for (MemberStatus target : targets) {
            if (!target.healthy()) {
                return new LagCheck(Verdict.BROKEN, "target " + target.name() + " is unhealthy (" + target.stateStr() + ")");
            }
            if (!target.isSecondary() && !target.isPrimary()) {
                return new LagCheck(Verdict.BROKEN, "target " + target.name() + " is " + target.stateStr() + ", not SECONDARY");
            }
            OptionalDouble lag = status.lagSeconds(target);
            String text = target.name() + " " + (lag.isPresent() ? lag.getAsDouble() + " s" : "unknown");
            lags.add(text);
            if (lag.isEmpty() || lag.getAsDouble() * 1000 > maxLag.toMillis()) {
                behind.add(text);
            }
        }
        return behind.isEmpty()
                ? new LagCheck(Verdict.WITHIN, "lag within " + DurationText.of(maxLag) + ": " + String.join(", ", lags))
                : new LagCheck(Verdict.OUTSIDE, "behind by more than " + DurationText.of(maxLag) + ": " + String.join(", ", behind));
    }
}
