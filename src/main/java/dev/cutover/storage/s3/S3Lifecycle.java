package dev.cutover.storage.s3;

import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleAndOperator;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;

/**
 * Which lifecycle rules delete every object of a store: enabled, with an Expiration in days, and a
 * filter that covers the store's whole prefix (no filter, or a key prefix the store's prefix starts with;
 * no tag or object-size condition). Date-based expirations, noncurrent-version rules and rules for a
 * part of the store's keys do not count.
 */
final class S3Lifecycle {

    private S3Lifecycle() {
    }

    static Optional<Integer> deleteAfterDays(List<LifecycleRule> rules, String storePrefix) {
        return rules.stream()
                .filter(rule -> rule.status() == ExpirationStatus.ENABLED)
                .filter(rule -> rule.expiration() != null && rule.expiration().days() != null)
                .filter(rule -> coversWholeStore(rule, storePrefix))
                .map(rule -> rule.expiration().days())
                .min(Integer::compare);
    }

    @SuppressWarnings("deprecation") // LifecycleRule.prefix(): the pre-2019 form, still returned for old rules
    private static boolean coversWholeStore(LifecycleRule rule, String storePrefix) {
        LifecycleRuleFilter filter = rule.filter();
        if (filter == null) {
            return covers(rule.prefix(), storePrefix);
        }
        if (filter.tag() != null || filter.objectSizeGreaterThan() != null || filter.objectSizeLessThan() != null) {
            return false;
        }
        LifecycleRuleAndOperator and = filter.and();
        if (and != null) {
            boolean onlyPrefix = !and.hasTags() && and.objectSizeGreaterThan() == null
                    && and.objectSizeLessThan() == null;
            return onlyPrefix && covers(and.prefix(), storePrefix) && covers(filter.prefix(), storePrefix);
        }
        return covers(filter.prefix(), storePrefix);
    }

    private static boolean covers(String rulePrefix, String storePrefix) {
        return rulePrefix == null || storePrefix.startsWith(rulePrefix);
    }
}
