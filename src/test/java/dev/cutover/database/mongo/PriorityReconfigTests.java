package dev.cutover.database.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** The configs a promotion and its rollback submit, and the marks that connect them. */
class PriorityReconfigTests {

    private final Document config = new Document("_id", "rs0").append("version", 7).append("members", List.of(
            member(0, "gcp-1:27017", 2, false), member(1, "gcp-2:27017", 1, false), member(2, "aws-1:27017", 0, true)));

    @Test
    void promotionRaisesAndUnhidesTheTargetAndRestoreUndoesEveryChange() {
        Document promoted = PriorityReconfig.promote(config, "aws-1:27017", "gcp-1:27017");
        assertThat(promoted.getInteger("version")).isEqualTo(8);
        Document aws = PriorityReconfig.member(promoted, "aws-1:27017").orElseThrow();
        assertThat(aws.getDouble("priority")).isEqualTo(3.0);
        assertThat(aws.getBoolean("hidden")).isFalse();
        assertThat(PriorityReconfig.markedPrimary(promoted)).contains("gcp-1:27017");

        Document retried = PriorityReconfig.promote(promoted, "aws-1:27017", "gcp-1:27017");
        Document restored = PriorityReconfig.restore(PriorityReconfig.raise(retried, "gcp-1:27017"));
        assertThat(restored.getInteger("version")).isEqualTo(11);
        assertThat(PriorityReconfig.marked(restored)).isFalse();
        assertThat(PriorityReconfig.member(restored, "aws-1:27017").orElseThrow())
                .containsEntry("priority", 0.0).containsEntry("hidden", true)
                .containsEntry("tags", new Document("cloud", "aws"));
        assertThat(PriorityReconfig.member(restored, "gcp-1:27017").orElseThrow()).containsEntry("priority", 2.0);
    }

    @Test
    void retiringAMemberDropsItAndEveryMark() {
        Document retired = PriorityReconfig.without(PriorityReconfig.promote(config, "aws-1:27017", "gcp-1:27017"), "gcp-1:27017");
        assertThat(retired.getList("members", Document.class)).extracting(m -> m.getString("host"))
                .containsExactly("gcp-2:27017", "aws-1:27017");
        assertThat(PriorityReconfig.marked(retired)).isFalse();
    }

    private static Document member(int id, String host, double priority, boolean hidden) {
        return new Document("_id", id).append("host", host).append("priority", priority).append("hidden", hidden)
                .append("votes", 1).append("tags", new Document("cloud", host.substring(0, 3)));
    }
}
