package dev.cutover.storage.gcs;

import com.google.cloud.storage.BucketInfo.LifecycleRule;
import com.google.cloud.storage.BucketInfo.LifecycleRule.LifecycleCondition;
import java.util.List;
import java.util.Optional;

/**
 * Which lifecycle rules delete every live object of a store: a Delete action with an age condition and no
 * condition that narrows it to some objects (storage class, suffix, custom time, creation date, noncurrent
 * versions), and a {@code matchesPrefix} list that is empty or holds a prefix the store's prefix starts with.
 */
final class GcsLifecycle {

    private static final String DELETE = "Delete";

    private GcsLifecycle() {
    }

    static Optional<Integer> deleteAfterDays(List<? extends LifecycleRule> rules, String storePrefix) {
        if (rules == null) {
            return Optional.empty();
        }
        return rules.stream()
                .filter(rule -> rule.getAction() != null && DELETE.equals(rule.getAction().getActionType()))
                .map(LifecycleRule::getCondition)
                .filter(condition -> condition != null && condition.getAge() != null)
                .filter(condition -> appliesToEveryLiveObject(condition) && covers(condition.getMatchesPrefix(), storePrefix))
                .map(LifecycleCondition::getAge)
                .min(Integer::compare);
    }

    private static boolean appliesToEveryLiveObject(LifecycleCondition condition) {
        return !Boolean.FALSE.equals(condition.getIsLive())
                && condition.getNumberOfNewerVersions() == null
                && condition.getDaysSinceNoncurrentTime() == null
                && condition.getNoncurrentTimeBeforeOffsetDateTime() == null
                && condition.getCreatedBeforeOffsetDateTime() == null
                && condition.getCustomTimeBeforeOffsetDateTime() == null
                && condition.getDaysSinceCustomTime() == null
                && isEmpty(condition.getMatchesStorageClass())
                && isEmpty(condition.getMatchesSuffix());
    }

    private static boolean covers(List<String> rulePrefixes, String storePrefix) {
        return isEmpty(rulePrefixes) || rulePrefixes.stream().anyMatch(storePrefix::startsWith);
    }

    private static boolean isEmpty(List<?> list) {
        return list == null || list.isEmpty();
    }
}
