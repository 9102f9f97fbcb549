package dev.cutover.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.dns.rfc2136.Rfc2136SwitchOpener;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepOutcome;
import dev.cutover.testsupport.RecordingStepContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * Issue 15: BIND killed with SIGKILL in the middle of a {@code dns-switch} (a private {@code named}
 * of this test, never the shared one). The step fails naming the connection and the server, says
 * the record's state is unknown rather than claiming anything, and once the server is back the
 * step's rollback restores the saved original exactly; an update the server acknowledged before it
 * was killed is still served after the restart (its journal), so nothing claimed done is lost.
 */
class DnsPeerKilledTests {

    private static final RecordSet ORIGINAL = new RecordSet("api." + LoopbackNamed.ZONE, "A", 3600,
            List.of("192.0.2.20", "192.0.2.21"));
    private static final RecordSet SWITCHED = new RecordSet("api." + LoopbackNamed.ZONE, "A", 60, List.of("198.51.100.7"));

    private LoopbackNamed named;
    /** Kills named as the switch is about to send its update: the original is saved, the change not confirmed. */
    private volatile boolean killOnApply;
    private DnsSwitchStepType dnsSwitch;

    @BeforeEach
    void setUp() {
        named = LoopbackNamed.start();
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:dns-killed-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        new ResourceDatabasePopulator(new ClassPathResource("db/migration/h2/V5__dns_saved_originals.sql"))
                .execute(dataSource);
        dnsSwitch = new DnsSwitchStepType(new ReversibleRecordChange(new DnsSwitches(List.of(new KillingOnApply())),
                new SavedOriginals(JdbcClient.create(dataSource))));
    }

    @AfterEach
    void stopNamed() {
        named.close();
    }

    @Test
    void killedAsTheSwitchAppliesTheStepFailsSayingTheStateIsUnknownAndTheRollbackRestoresOnceItIsBack()
            throws Exception {
        RecordingStepContext point = context();
        killOnApply = true;

        assertThatThrownBy(() -> dnsSwitch.execute(point))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("'dns'")
                .hasMessageContaining("127.0.0.1:" + named.port())
                .hasMessageContaining("unknown")
                .hasMessageNotContaining(named.secret());

        killOnApply = false;
        named.startAgain();
        StepOutcome restored = dnsSwitch.rollback(point);
        assertThat(named.lookUp(ORIGINAL.key())).contains(ORIGINAL);
        assertThat(restored.summary()).startsWith("restored");
    }

    @Test
    void killedAfterTheSwitchTheRollbackFailsNamingTheServerThenRestoresOnceItIsBack() throws Exception {
        RecordingStepContext point = context();
        dnsSwitch.verify(point, dnsSwitch.execute(point));
        assertThat(named.lookUp(SWITCHED.key())).contains(SWITCHED);

        named.kill();
        assertThatThrownBy(() -> dnsSwitch.rollback(point))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("'dns'")
                .hasMessageContaining("no answer from 127.0.0.1:" + named.port())
                .hasMessageNotContaining(named.secret());

        named.startAgain();
        assertThat(named.lookUp(SWITCHED.key())).as("the switch it acknowledged, after kill -9 and a restart")
                .contains(SWITCHED);
        dnsSwitch.rollback(point);
        assertThat(named.lookUp(ORIGINAL.key())).contains(ORIGINAL);
    }

    private RecordingStepContext context() {
        return new RecordingStepContext(Map.of("connection", "dns", "record", "api", "type", "A", "ttl", "60s",
                "values", List.of("198.51.100.7"))).stepId("switch").secret("TSIG_SECRET", named.secret())
                .connection("dns", "rfc2136", named.connectionSettings("${env:TSIG_SECRET}"));
    }

    /** The real RFC 2136 adapter, killing named first when {@link #killOnApply} says so. */
    private final class KillingOnApply implements DnsSwitchOpener {

        private final Rfc2136SwitchOpener real = new Rfc2136SwitchOpener();

        @Override
        public String connectionType() {
            return real.connectionType();
        }

        @Override
        public DnsSwitch open(Function<String, Optional<String>> settings) {
            DnsSwitch dns = real.open(settings);
            return new DnsSwitch() {
                @Override
                public Optional<String> zone() {
                    return dns.zone();
                }

                @Override
                public Optional<RecordSet> read(RecordKey key) {
                    return dns.read(key);
                }

                @Override
                public ChangeReceipt apply(RecordChange change, InSyncWait wait) {
                    if (killOnApply) {
                        try {
                            named.kill();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    }
                    return dns.apply(change, wait);
                }

                @Override
                public Optional<RecordSet> resolve(RecordKey key) {
                    return dns.resolve(key);
                }

                @Override
                public String describe() {
                    return dns.describe();
                }

                @Override
                public void close() {
                    dns.close();
                }
            };
        }
    }
}
