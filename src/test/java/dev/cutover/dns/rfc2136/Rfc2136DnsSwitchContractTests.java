package dev.cutover.dns.rfc2136;

import dev.cutover.dns.BindTestZone;
import dev.cutover.dns.DnsSwitch;
import dev.cutover.dns.DnsSwitchContract;
import dev.cutover.dns.RecordKey;
import dev.cutover.dns.RecordSet;
import java.util.Optional;

/** The contract against a real BIND (the test stack's named on loopback) through RFC 2136 updates with TSIG. */
class Rfc2136DnsSwitchContractTests extends DnsSwitchContract {

    private static final BindTestZone ZONE = new BindTestZone();

    @Override
    protected DnsSwitch open() {
        return new Rfc2136SwitchOpener().open(setting -> Optional.ofNullable(
                ZONE.connectionSettings(ZONE.server().tsigSecret()).get(setting)));
    }

    @Override
    protected String zone() {
        return ZONE.zone();
    }

    @Override
    protected void seed(RecordSet recordSet) {
        ZONE.seed(recordSet);
    }

    @Override
    protected Optional<RecordSet> lookUp(RecordKey key) {
        return ZONE.lookUp(key);
    }
}
