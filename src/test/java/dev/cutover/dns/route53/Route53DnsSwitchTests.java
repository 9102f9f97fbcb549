package dev.cutover.dns.route53;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.dns.ChangeReceipt;
import dev.cutover.dns.DnsException;
import dev.cutover.dns.DnsSwitch;
import dev.cutover.dns.InSyncWait;
import dev.cutover.dns.RecordKey;
import dev.cutover.dns.RecordSet;
import dev.cutover.dns.RoutedRecordSet;
import dev.cutover.dns.WeightedRecords;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What only the Route 53 adapter does, against {@link Route53ApiStub}: GetChange polling, refusals, aliases. */
class Route53DnsSwitchTests {

    private final Route53ApiStub stub = new Route53ApiStub(Route53DnsSwitchContractTests.ZONE_ID, "example.test.",
            Route53DnsSwitchContractTests.ACCESS_KEY);

    @AfterEach
    void stopStub() {
        stub.close();
    }

    @Test
    void upsertPollsGetChangeUntilInsync() {
        stub.pendingPolls(3);
        try (DnsSwitch dns = open(Map.of())) {
            ChangeReceipt receipt = dns.upsert(new RecordSet("www.example.test.", "CNAME", 60,
                    List.of("my-alb-123.eu-west-1.elb.amazonaws.com")), InSyncWait.of(Duration.ofSeconds(10)));

            assertThat(receipt.changeId()).isEqualTo("C1001");
            assertThat(receipt.status()).isEqualTo("INSYNC");
            // The change's answer and three GetChange calls said PENDING, the fourth INSYNC.
            assertThat(receipt.polls()).isEqualTo(5);
            assertThat(stub.requests()).containsSubsequence("POST /2013-04-01/hostedzone/Z0STUB1234567890/rrset/",
                    "GET /2013-04-01/change/C1001", "GET /2013-04-01/change/C1001", "GET /2013-04-01/change/C1001",
                    "GET /2013-04-01/change/C1001");
        }
    }

    @Test
    void aChangeThatStaysPendingEndsAtTheTimeoutOrAtAStop() {
        stub.pendingPolls(Integer.MAX_VALUE);
        RecordSet set = new RecordSet("slow.example.test.", "A", 60, List.of("192.0.2.1"));
        try (DnsSwitch dns = open(Map.of())) {
            assertThatThrownBy(() -> dns.upsert(set, InSyncWait.of(Duration.ofMillis(300))))
                    .isInstanceOf(DnsException.class)
                    .hasMessageContaining("not in sync after")
                    .matches(e -> !((DnsException) e).stopped());

            AtomicBoolean stop = new AtomicBoolean();
            new Thread(() -> {
                sleep(200);
                stop.set(true);
            }).start();
            assertThatThrownBy(() -> dns.upsert(set, new InSyncWait(Duration.ofMinutes(1), stop::get)))
                    .isInstanceOf(DnsException.class)
                    .matches(e -> ((DnsException) e).stopped());
        }
    }

    @Test
    void aDeleteThatDoesNotMatchIsRefusedWithRoute53sReason() {
        stub.seed(new RecordSet("www.example.test.", "A", 300, List.of("192.0.2.1")));
        try (DnsSwitch dns = open(Map.of())) {
            assertThatThrownBy(() -> dns.apply(new dev.cutover.dns.RecordChange(
                    List.of(new RecordSet("www.example.test.", "A", 60, List.of("192.0.2.1"))), List.of()),
                    InSyncWait.of(Duration.ofSeconds(5))))
                    .isInstanceOf(DnsException.class)
                    .hasMessageContaining("InvalidChangeBatch")
                    .hasMessageContaining("do not match the current values");
        }
        assertThat(stub.recordSet(new RecordKey("www.example.test.", "A"))).isPresent();
    }

    @Test
    void wrongCredentialsOrZoneAreRefusedWithoutTheSecretKey() {
        try (DnsSwitch dns = open(Map.of("accessKeyId", "AKIAWRONG0000000000"))) {
            assertThatThrownBy(() -> dns.read(new RecordKey("www.example.test.", "A")))
                    .isInstanceOf(DnsException.class)
                    .hasMessageContaining("403")
                    .hasMessageNotContaining(Route53DnsSwitchContractTests.SECRET_KEY);
        }
        try (DnsSwitch dns = open(Map.of("hostedZoneId", "/hostedzone/ZOTHER"))) {
            assertThatThrownBy(() -> dns.read(new RecordKey("www.example.test.", "A")))
                    .isInstanceOf(DnsException.class)
                    .hasMessageContaining("NoSuchHostedZone");
        }
    }

    @Test
    void aliasRecordsAreRefusedRatherThanMisread() {
        stub.seed(new RecordSet("apex.example.test.", "A", 60, List.of("192.0.2.1")));
        stub.aliasAt("apex.example.test.");
        try (DnsSwitch dns = open(Map.of())) {
            assertThatThrownBy(() -> dns.read(new RecordKey("apex.example.test.", "A")))
                    .isInstanceOf(DnsException.class)
                    .hasMessageContaining("alias");
        }
    }

    @Test
    void weightedSetsAreReadAndChangedAndCannotLiveNextToAPlainSet() {
        RecordSet gcp = new RecordSet("shop.example.test.", "CNAME", 60, List.of("shop-lb.gcp.example."));
        RecordSet aws = new RecordSet("shop.example.test.", "CNAME", 60, List.of("shop-alb.aws.example."));
        stub.seed(gcp);
        try (DnsSwitch dns = open(Map.of())) {
            WeightedRecords weighted = dns.weighted().orElseThrow();
            InSyncWait wait = InSyncWait.of(Duration.ofSeconds(5));

            assertThatThrownBy(() -> weighted.apply(List.of(), List.of(RoutedRecordSet.weighted(aws, "aws", 10)), wait))
                    .isInstanceOf(DnsException.class)
                    .hasMessageContaining("InvalidChangeBatch")
                    .hasMessageContaining("non-weighted set exists with the same name and type");

            weighted.apply(List.of(RoutedRecordSet.plain(gcp)), List.of(RoutedRecordSet.weighted(gcp, "gcp", 90),
                    RoutedRecordSet.weighted(aws, "aws", 10)), wait);
            assertThat(weighted.readAll(gcp.key())).containsExactly(RoutedRecordSet.weighted(aws, "aws", 10),
                    RoutedRecordSet.weighted(gcp, "gcp", 90));
            assertThatThrownBy(() -> dns.read(gcp.key())).isInstanceOf(DnsException.class)
                    .hasMessageContaining("dns-shift handles weighted ones");
            assertThat(stub.requests()).anyMatch(r -> r.startsWith("GET /2013-04-01/hostedzone/"));
        }
    }

    @Test
    void anRfc2136SwitchOffersNoWeights() {
        assertThat(new dev.cutover.dns.rfc2136.Rfc2136SwitchOpener().open(name -> Optional.ofNullable(Map.of(
                "server", "127.0.0.1", "zone", "example.test.", "tsigKeyName", "k", "tsigSecret", "c2VjcmV0").get(name)))
                .weighted()).isEmpty();
    }

    @Test
    void recordNamesMayBeRelativeToTheConfiguredZone() {
        try (DnsSwitch dns = open(Map.of())) {
            assertThat(dns.zone()).contains("example.test.");
        }
    }

    private DnsSwitch open(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(Route53DnsSwitchContractTests.settings(stub));
        settings.putAll(overrides);
        return new Route53SwitchOpener().open(name -> Optional.ofNullable(settings.get(name)));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
