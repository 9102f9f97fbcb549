package dev.cutover.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;

/** Buckets whose lifecycle deletes objects after some days (auto-expiring logs), seen through {@code deleteAfterDays}. */
class S3LifecycleTests {

    @Test
    void aBucketWithoutLifecycleConfigurationKeepsItsObjects() {
        String bucket = S3TestBuckets.createBucket("no-lifecycle");
        try (S3ObjectStore store = S3ObjectStores.open(S3TestBuckets.settingsFor(bucket))) {
            assertThat(store.deleteAfterDays()).isEmpty();
        }
    }

    @Test
    void theShortestEnabledExpirationCoveringTheStoreCounts() {
        String bucket = S3TestBuckets.createBucket("lifecycle");
        try {
            S3TestBuckets.admin().putBucketLifecycleConfiguration(r -> r.bucket(bucket).lifecycleConfiguration(c -> c.rules(
                    rule("everything", ExpirationStatus.ENABLED, LifecycleRuleFilter.builder().prefix("").build(), 30),
                    rule("tmp", ExpirationStatus.ENABLED, LifecycleRuleFilter.builder().prefix("tmp/").build(), 3),
                    rule("off", ExpirationStatus.DISABLED, LifecycleRuleFilter.builder().prefix("").build(), 1))));
        } catch (AwsServiceException e) {
            assumeFalse(e.statusCode() == 501, "the S3 test peer does not implement PutBucketLifecycleConfiguration: " + e);
            throw e;
        }
        try (S3ObjectStore whole = S3ObjectStores.open(S3TestBuckets.settingsFor(bucket));
                S3ObjectStore tmp = S3ObjectStores.open(S3TestBuckets.settingsFor(bucket).with(s -> s.prefix("tmp/")));
                S3ObjectStore logs = S3ObjectStores.open(S3TestBuckets.settingsFor(bucket).with(s -> s.prefix("logs/")))) {
            assertThat(whole.deleteAfterDays()).contains(30);
            assertThat(tmp.deleteAfterDays()).contains(3);
            assertThat(logs.deleteAfterDays()).contains(30);
        }
    }

    @Test
    void rulesForPartOfTheStoreOrWithConditionsDoNotCount() {
        List<LifecycleRule> rules = List.of(
                rule("sub", ExpirationStatus.ENABLED, LifecycleRuleFilter.builder().prefix("logs/2024/").build(), 1),
                rule("tagged", ExpirationStatus.ENABLED, LifecycleRuleFilter.builder().tag(t -> t.key("k").value("v")).build(), 2),
                rule("large", ExpirationStatus.ENABLED, LifecycleRuleFilter.builder().objectSizeGreaterThan(1000L).build(), 3),
                rule("and-prefix", ExpirationStatus.ENABLED,
                        LifecycleRuleFilter.builder().and(a -> a.prefix("logs/")).build(), 9),
                LifecycleRule.builder().id("noncurrent").status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().build())
                        .noncurrentVersionExpiration(n -> n.noncurrentDays(4)).build());
        assertThat(S3Lifecycle.deleteAfterDays(rules, "")).isEmpty();
        assertThat(S3Lifecycle.deleteAfterDays(rules, "logs/")).contains(9);
        assertThat(S3Lifecycle.deleteAfterDays(rules, "logs/2024/")).isEqualTo(Optional.of(1));
    }

    @Test
    @SuppressWarnings("deprecation")
    void oldRulesWithATopLevelPrefixCount() {
        LifecycleRule old = LifecycleRule.builder().id("old").status(ExpirationStatus.ENABLED).prefix("")
                .expiration(e -> e.days(14)).build();
        assertThat(S3Lifecycle.deleteAfterDays(List.of(old), "any/")).contains(14);
    }

    private static LifecycleRule rule(String id, ExpirationStatus status, LifecycleRuleFilter filter, int days) {
        return LifecycleRule.builder().id(id).status(status).filter(filter).expiration(e -> e.days(days)).build();
    }
}
