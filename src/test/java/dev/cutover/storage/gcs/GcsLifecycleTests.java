package dev.cutover.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.BucketInfo.LifecycleRule;
import com.google.cloud.storage.BucketInfo.LifecycleRule.LifecycleAction;
import com.google.cloud.storage.BucketInfo.LifecycleRule.LifecycleCondition;
import com.google.cloud.storage.StorageClass;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GcsLifecycleTests {

    @Test
    void theSmallestAgeOfADeleteRuleForEveryObject() {
        List<LifecycleRule> rules = List.of(delete(condition().setAge(90)), delete(condition().setAge(30)),
                new LifecycleRule(LifecycleAction.newSetStorageClassAction(StorageClass.COLDLINE),
                        condition().setAge(7).build()));

        assertThat(GcsLifecycle.deleteAfterDays(rules, "")).hasValue(30);
        assertThat(GcsLifecycle.deleteAfterDays(List.of(), "")).isEmpty();
        assertThat(GcsLifecycle.deleteAfterDays(null, "")).isEmpty();
    }

    @Test
    void rulesForSomeObjectsOnlyDoNotCount() {
        assertThat(days(condition().setAge(1).setIsLive(false))).isEmpty();
        assertThat(days(condition().setAge(1).setNumberOfNewerVersions(2))).isEmpty();
        assertThat(days(condition().setAge(1).setMatchesSuffix(List.of(".tmp")))).isEmpty();
        assertThat(days(condition().setAge(1).setMatchesStorageClass(List.of(StorageClass.NEARLINE)))).isEmpty();
        assertThat(days(condition().setAge(1).setDaysSinceCustomTime(3))).isEmpty();
        assertThat(days(condition().setIsLive(true))).as("no age").isEmpty();
        assertThat(days(condition().setAge(5).setIsLive(true))).hasValue(5);
    }

    @Test
    void aPrefixRuleCountsWhenItCoversTheStore() {
        LifecycleRule logs = delete(condition().setAge(14).setMatchesPrefix(List.of("tmp/", "logs/")));

        assertThat(GcsLifecycle.deleteAfterDays(List.of(logs), "logs/2025/")).hasValue(14);
        assertThat(GcsLifecycle.deleteAfterDays(List.of(logs), "logs/")).hasValue(14);
        assertThat(GcsLifecycle.deleteAfterDays(List.of(logs), "")).isEmpty();
        assertThat(GcsLifecycle.deleteAfterDays(List.of(logs), "images/")).isEmpty();
    }

    private static Optional<Integer> days(LifecycleCondition.Builder condition) {
        return GcsLifecycle.deleteAfterDays(List.of(delete(condition)), "");
    }

    private static LifecycleRule delete(LifecycleCondition.Builder condition) {
        return new LifecycleRule(LifecycleAction.newDeleteAction(), condition.build());
    }

    private static LifecycleCondition.Builder condition() {
        return LifecycleCondition.newBuilder();
    }
}
