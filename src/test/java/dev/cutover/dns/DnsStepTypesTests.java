package dev.cutover.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.dns.rfc2136.Rfc2136SwitchOpener;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.testsupport.RecordingStepContext;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * {@code dns-ttl} and {@code dns-switch} against the test stack's BIND, with the saved originals in
 * an H2 database built by the real migration: each forward step resolves as asked, and the inverses
 * (last first) put back exactly what was there, TTL included. The TSIG secret comes as a secret
 * reference and never shows in evidence, progress or errors.
 */
class DnsStepTypesTests {

    private static final BindTestZone ZONE = new BindTestZone();

    private SavedOriginals originals;
    private ReversibleRecordChange steps;
    private String record;
    private String name;

    @BeforeEach
    void setUp() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:dns-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        new ResourceDatabasePopulator(new ClassPathResource("db/migration/h2/V5__dns_saved_originals.sql"))
                .execute(dataSource);
        originals = new SavedOriginals(JdbcClient.create(dataSource));
        steps = new ReversibleRecordChange(new DnsSwitches(List.of(new Rfc2136SwitchOpener())), originals);
        record = "app" + UUID.randomUUID().toString().substring(0, 6);
        name = record + "." + ZONE.zone();
    }

    @Test
    void ttlThenSwitchToACnameThenBothInversesRestoreTheARecordsExactly() throws Exception {
        RecordSet original = new RecordSet(name, "A", 3600, List.of("192.0.2.70", "192.0.2.71"));
        ZONE.seed(original);
        DnsTtlStepType ttl = new DnsTtlStepType(steps);
        DnsSwitchStepType dnsSwitch = new DnsSwitchStepType(steps);
        RecordingStepContext lower = context("lower-ttl", Map.of("record", record, "type", "A", "ttl", "60s"));
        RecordingStepContext point = context("switch", Map.of("record", record, "type", "CNAME", "replaces", "A",
                "values", List.of("my-alb-123.eu-west-1.elb.amazonaws.com")));

        StepOutcome lowered = ttl.verify(lower, ttl.execute(lower));
        assertThat(ZONE.lookUp(original.key())).contains(original.withTtl(60));
        assertThat(lowered.evidence()).containsKeys("original", "changeId", "resolved", "oldTtlCachedUntil");

        StepOutcome switched = dnsSwitch.verify(point, dnsSwitch.execute(point));
        RecordKey cname = new RecordKey(name, "CNAME");
        assertThat(ZONE.lookUp(cname)).contains(new RecordSet(name, "CNAME", 60,
                List.of("my-alb-123.eu-west-1.elb.amazonaws.com.")));
        assertThat(ZONE.lookUp(original.key())).isEmpty();
        assertThat(switched.summary()).contains("in sync after");

        dnsSwitch.rollback(point);
        assertThat(ZONE.lookUp(original.key())).contains(original.withTtl(60));
        assertThat(ZONE.lookUp(cname)).isEmpty();
        StepOutcome restored = ttl.rollback(lower);
        assertThat(ZONE.lookUp(original.key())).contains(original);
        assertThat(restored.summary()).startsWith("restored " + name + " 3600 A 192.0.2.70,192.0.2.71");

        for (RecordingStepContext context : List.of(lower, point)) {
            String everything = lowered.evidence() + " " + switched.evidence() + " " + restored.evidence() + " "
                    + context.progress();
            assertThat(everything).doesNotContain(ZONE.server().tsigSecret());
        }
    }

    @Test
    void aRetriedStepKeepsTheOriginalItSavedFirst() throws Exception {
        RecordSet original = new RecordSet(name, "A", 7200, List.of("192.0.2.80"));
        ZONE.seed(original);
        DnsTtlStepType ttl = new DnsTtlStepType(steps);
        RecordingStepContext first = context("lower-ttl", Map.of("record", record, "type", "A", "ttl", "300s"));
        ttl.execute(first);
        RecordingStepContext retry = context("lower-ttl", Map.of("record", record, "type", "A", "ttl", "60s"));

        StepOutcome retried = ttl.execute(retry);

        assertThat(ZONE.lookUp(original.key())).contains(original.withTtl(60));
        assertThat(originals.find("c-test", "lower-ttl").orElseThrow().found()).containsExactly(original);
        assertThat(retried.evidence().get("before").toString()).contains("ttl=300");
        ttl.rollback(retry);
        assertThat(ZONE.lookUp(original.key())).contains(original);
    }

    @Test
    void switchingARecordThatDidNotExistIsUndoneByDeletingIt() throws Exception {
        DnsSwitchStepType dnsSwitch = new DnsSwitchStepType(steps);
        RecordingStepContext point = context("switch", Map.of("record", name, "type", "A",
                "values", List.of("203.0.113.10"), "ttl", "120s"));

        dnsSwitch.verify(point, dnsSwitch.execute(point));
        assertThat(ZONE.lookUp(new RecordKey(name, "A"))).contains(new RecordSet(name, "A", 120, List.of("203.0.113.10")));

        dnsSwitch.rollback(point);
        assertThat(ZONE.lookUp(new RecordKey(name, "A"))).isEmpty();
    }

    @Test
    void verificationFailsWhenTheServerAnswersSomethingElse() throws Exception {
        ZONE.seed(new RecordSet(name, "A", 300, List.of("192.0.2.90")));
        DnsSwitchStepType dnsSwitch = new DnsSwitchStepType(steps);
        RecordingStepContext point = context("switch", Map.of("record", record, "type", "A",
                "values", List.of("203.0.113.20")));
        StepOutcome executed = dnsSwitch.execute(point);
        ZONE.seed(new RecordSet(name, "A", 300, List.of("192.0.2.91"))); // someone else changed it meanwhile

        assertThatThrownBy(() -> dnsSwitch.verify(point, executed))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("gives " + name + " 300 A 192.0.2.91")
                .hasMessageContaining("expected " + name + " 300 A 203.0.113.20");
    }

    @Test
    void aRefusedUpdateFailsTheStepWithoutTheSecretAndLeavesNoChange() throws Exception {
        RecordSet original = new RecordSet(name, "A", 300, List.of("192.0.2.95"));
        ZONE.seed(original);
        String wrongSecret = "d3JvbmctdHNpZy1zZWNyZXQtZm9yLXRoaXMtdGVzdC0=";
        RecordingStepContext lower = context("lower-ttl", Map.of("record", record, "type", "A", "ttl", "60s"))
                .secret("TSIG_SECRET", wrongSecret);

        assertThatThrownBy(() -> new DnsTtlStepType(steps).execute(lower))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("NOTAUTH")
                .hasMessageNotContaining(wrongSecret);
        assertThat(ZONE.lookUp(original.key())).contains(original);
    }

    private RecordingStepContext context(String stepId, Map<String, Object> with) {
        Map<String, Object> all = new java.util.LinkedHashMap<>(with);
        all.put("connection", "dns");
        return new RecordingStepContext(all).stepId(stepId).secret("TSIG_SECRET", ZONE.server().tsigSecret())
                .connection("dns", "rfc2136", ZONE.connectionSettings("${env:TSIG_SECRET}"));
    }
}
