package dev.cutover.dns.route53;

import dev.cutover.dns.DnsSwitch;
import dev.cutover.dns.DnsSwitchContract;
import dev.cutover.dns.RecordKey;
import dev.cutover.dns.RecordSet;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;

/**
 * The contract against {@link Route53ApiStub} (no Route 53 runs here), through the real AWS SDK
 * v2 client with an endpoint override and static credentials.
 */
class Route53DnsSwitchContractTests extends DnsSwitchContract {

    static final String ZONE_ID = "Z0STUB1234567890";
    static final String ACCESS_KEY = "AKIASTUBEXAMPLE00001";
    static final String SECRET_KEY = "stub-secret-key/never+in+messages";
    private static final Route53ApiStub STUB = new Route53ApiStub(ZONE_ID, "example.test.", ACCESS_KEY);

    @AfterAll
    static void stopStub() {
        STUB.close();
    }

    static Map<String, String> settings(Route53ApiStub stub) {
        return Map.of("hostedZoneId", ZONE_ID, "zone", "example.test.", "region", "us-east-1",
                "endpoint", stub.endpoint().toString(), "accessKeyId", ACCESS_KEY, "secretAccessKey", SECRET_KEY,
                "pollIntervalMs", "20");
    }

    @Override
    protected DnsSwitch open() {
        Map<String, String> settings = settings(STUB);
        return new Route53SwitchOpener().open(name -> Optional.ofNullable(settings.get(name)));
    }

    @Override
    protected String zone() {
        return "example.test.";
    }

    @Override
    protected void seed(RecordSet recordSet) {
        STUB.seed(recordSet);
    }

    @Override
    protected Optional<RecordSet> lookUp(RecordKey key) {
        return STUB.recordSet(key);
    }
}
