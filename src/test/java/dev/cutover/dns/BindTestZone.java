package dev.cutover.dns;

import dev.cutover.testpeers.TestPeers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * The test stack's BIND zone as tests see it without the adapter under test: plain dnsjava queries
 * (unsigned, over UDP, as any resolver asks) and a signed update to seed records.
 */
public final class BindTestZone {

    private final TestPeers.DnsServer server = TestPeers.dnsServer();

    public TestPeers.DnsServer server() {
        return server;
    }

    public String zone() {
        return DnsNames.absolute(server.zone());
    }

    /** The settings of an {@code rfc2136} connection to this zone, with the secret given as {@code tsigSecret}. */
    public Map<String, String> connectionSettings(String tsigSecret) {
        return Map.of("server", server.host(), "port", String.valueOf(server.port()), "zone", server.zone(),
                "tsigKeyName", server.tsigName(), "tsigAlgorithm", server.tsigAlgorithm(), "tsigSecret", tsigSecret,
                "pollIntervalMs", "50");
    }

    /** Replaces the record set, as an operator with nsupdate would. */
    public void seed(RecordSet set) {
        update(set.name(), set.type(), set.ttlSeconds(), set.values(), set.describe());
    }

    /** Deletes the record set (nothing happens when there is none). */
    public void remove(RecordKey key) {
        update(key.name(), key.type(), 0, List.of(), "removing " + key.name() + " " + key.type());
    }

    private void update(String name, String type, long ttlSeconds, List<String> values, String what) {
        try {
            Update update = new Update(Name.fromString(zone()));
            update.delete(Name.fromString(name), Type.value(type));
            for (String value : values) {
                update.add(Name.fromString(name), Type.value(type), ttlSeconds, value);
            }
            SimpleResolver resolver = resolver();
            resolver.setTSIGKey(new TSIG(server.tsigAlgorithm(), server.tsigName(), server.tsigSecret()));
            Message response = resolver.send(update);
            if (response.getRcode() != Rcode.NOERROR) {
                throw new IllegalStateException(what + " failed: " + Rcode.string(response.getRcode()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the server answers for the record set, exactly as a resolver would get it. */
    public Optional<RecordSet> lookUp(RecordKey key) {
        try {
            Message response = resolver().send(Message.newQuery(Record.newRecord(Name.fromString(key.name()),
                    Type.value(key.type()), DClass.IN)));
            List<Record> answer = response.getSection(Section.ANSWER).stream()
                    .filter(r -> r.getType() == Type.value(key.type()))
                    .filter(r -> r.getName().toString().equalsIgnoreCase(key.name())).toList();
            return answer.isEmpty() ? Optional.empty() : Optional.of(new RecordSet(key.name(), key.type(),
                    answer.get(0).getTTL(), answer.stream().map(Record::rdataToString).toList()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SimpleResolver resolver() {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(server.host(), server.port()));
        resolver.setTimeout(Duration.ofSeconds(5));
        return resolver;
    }
}
