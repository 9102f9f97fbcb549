package dev.cutover.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DnsSwitch} adapter must do, run against a real BIND (rfc2136) and the Route 53
 * API stub (route53): read, change and wait until in sync, and put an original back exactly. Each
 * test works on its own fresh name, so runs against a long-lived server do not interfere.
 */
public abstract class DnsSwitchContract {

    protected static final InSyncWait WAIT = InSyncWait.of(Duration.ofSeconds(20));

    protected DnsSwitch dns;
    protected String name;

    /** A switch to the test zone. */
    protected abstract DnsSwitch open();

    /** The test zone's absolute name. */
    protected abstract String zone();

    /** Puts a record set into the zone behind the adapter's back (the test's own client or the stub's state). */
    protected abstract void seed(RecordSet recordSet);

    /** The record set as the zone serves it, looked up without the adapter. */
    protected abstract Optional<RecordSet> lookUp(RecordKey key);

    @BeforeEach
    void openSwitch() {
        dns = open();
        name = "c" + UUID.randomUUID().toString().substring(0, 8) + "." + zone();
    }

    @AfterEach
    void closeSwitch() {
        dns.close();
    }

    @Test
    void readGivesNameTypeTtlAndEveryValue() {
        RecordSet seeded = new RecordSet(name, "A", 3600, List.of("192.0.2.20", "192.0.2.21"));
        seed(seeded);

        assertThat(dns.read(new RecordKey(name, "A"))).contains(seeded);
        assertThat(dns.resolve(new RecordKey(name, "A"))).contains(seeded);
    }

    @Test
    void readOfAMissingRecordIsEmpty() {
        seed(new RecordSet(name, "A", 300, List.of("192.0.2.1")));

        assertThat(dns.read(new RecordKey("nothing-here-" + name, "A"))).isEmpty();
        assertThat(dns.read(new RecordKey(name, "CNAME"))).as("another type at the name").isEmpty();
    }

    @Test
    void upsertReturnsOnceInSyncWithAChangeId() {
        seed(new RecordSet(name, "A", 3600, List.of("192.0.2.10")));
        RecordSet lowered = new RecordSet(name, "A", 60, List.of("192.0.2.10"));

        ChangeReceipt receipt = dns.upsert(lowered, WAIT);

        assertThat(receipt.changeId()).isNotBlank();
        assertThat(receipt.polls()).isPositive();
        assertThat(lookUp(lowered.key())).as("served right after apply returned").contains(lowered);
        assertThat(dns.read(lowered.key())).contains(lowered);
    }

    @Test
    void upsertCreatesARecordThatDidNotExist() {
        RecordSet created = new RecordSet(name, "TXT", 120, List.of("\"cutover\"", "\"second value\""));

        dns.upsert(created, WAIT);

        assertThat(lookUp(created.key())).contains(created);
    }

    @Test
    void oneChangeReplacesARecordsByACname() {
        RecordSet original = new RecordSet(name, "A", 300, List.of("192.0.2.30"));
        seed(original);
        RecordSet cname = new RecordSet(name, "CNAME", 60, List.of("my-alb-123.eu-west-1.elb.amazonaws.com."));

        dns.apply(new RecordChange(List.of(original), List.of(cname)), WAIT);

        assertThat(lookUp(original.key())).isEmpty();
        assertThat(lookUp(cname.key())).contains(cname);
    }

    @Test
    void restoringTheSavedOriginalPutsBackValuesAndTtlExactly() {
        RecordSet original = new RecordSet(name, "A", 3600, List.of("192.0.2.40", "192.0.2.41"));
        seed(original);
        RecordKey a = original.key();
        RecordKey cname = new RecordKey(name, "CNAME");
        SavedOriginal saved = new SavedOriginal("dns", List.of(a, cname), read(a, cname).values().stream()
                .flatMap(Optional::stream).toList(), Instant.now());
        dns.upsert(original.withTtl(60), WAIT);
        dns.apply(new RecordChange(List.of(original.withTtl(60)),
                List.of(new RecordSet(name, "CNAME", 60, List.of("alb.example.net.")))), WAIT);

        RecordChange revert = saved.restoreFrom(read(a, cname));
        dns.apply(revert, WAIT);

        assertThat(revert.describe()).contains("delete " + name + " 60 CNAME alb.example.net.");
        assertThat(lookUp(a)).contains(original);
        assertThat(lookUp(a).orElseThrow().ttlSeconds()).isEqualTo(3600);
        assertThat(lookUp(cname)).isEmpty();
        assertThat(saved.restoreFrom(read(a, cname)).isEmpty()).as("nothing left to restore").isTrue();
    }

    @Test
    void restoringARecordThatDidNotExistDeletesIt() {
        RecordKey key = new RecordKey(name, "A");
        SavedOriginal nothing = new SavedOriginal("dns", List.of(key), List.of(), Instant.now());
        dns.upsert(new RecordSet(name, "A", 60, List.of("192.0.2.50")), WAIT);

        dns.apply(nothing.restoreFrom(read(key)), WAIT);

        assertThat(lookUp(key)).isEmpty();
    }

    @Test
    void aChangeOutsideTheZoneIsRefusedWithTheReason() {
        RecordSet outside = new RecordSet("www.not-this-zone.invalid.", "A", 60, List.of("192.0.2.60"));

        assertThatThrownBy(() -> dns.upsert(outside, WAIT))
                .isInstanceOf(DnsException.class)
                .hasMessageContaining("www.not-this-zone.invalid.");
    }

    protected Map<RecordKey, Optional<RecordSet>> read(RecordKey... keys) {
        Map<RecordKey, Optional<RecordSet>> current = new LinkedHashMap<>();
        for (RecordKey key : keys) {
            current.put(key, dns.read(key));
        }
        return current;
    }
}
