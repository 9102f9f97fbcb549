package dev.cutover.dns.rfc2136;

import dev.cutover.dns.ChangeReceipt;
import dev.cutover.dns.DnsException;
import dev.cutover.dns.DnsNames;
import dev.cutover.dns.DnsSwitch;
import dev.cutover.dns.UpdateRights;
import dev.cutover.dns.InSyncWait;
import dev.cutover.dns.RecordChange;
import dev.cutover.dns.RecordKey;
import dev.cutover.dns.RecordSet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * RFC 2136 dynamic updates (BIND, Knot, PowerDNS, Windows DNS...) with dnsjava: one update message
 * per change, TSIG-signed, sent over TCP to the zone's primary, which is also asked (by a query) for
 * the records before and after. In sync means the primary answers exactly what was sent; its SOA
 * serial afterwards is the change id. Secondaries catch up by NOTIFY/IXFR, outside this switch.
 */
public final class Rfc2136DnsSwitch implements DnsSwitch, UpdateRights {

    private final Rfc2136Settings settings;
    private final SimpleResolver resolver;
    private final Name zone;
    private int retriesUsed;

    public Rfc2136DnsSwitch(Rfc2136Settings settings) {
        this.settings = settings;
        this.zone = name(DnsNames.absolute(settings.zone()));
        this.resolver = new SimpleResolver(new InetSocketAddress(settings.server(), settings.port()));
        resolver.setTCP(true); // answers of any size, and updates are never truncated
        resolver.setTimeout(settings.queryTimeout());
        if (settings.tsigName() != null) {
            try {
                resolver.setTSIGKey(new TSIG(settings.tsigAlgorithm(), settings.tsigName(), settings.tsigSecret()));
            } catch (RuntimeException e) {
                // dnsjava's message may quote the secret; say what is wrong without it.
                throw new DnsException("TSIG key " + settings.tsigName() + " (" + settings.tsigAlgorithm()
                        + ") is not usable: check the algorithm name and that the secret is base64");
            }
        }
    }

    @Override
    public Optional<String> zone() {
        return Optional.of(zone.toString());
    }

    @Override
    public Optional<RecordSet> read(RecordKey key) {
        return resolve(key);
    }

    @Override
    public Optional<RecordSet> resolve(RecordKey key) {
        Message response = send(Message.newQuery(Record.newRecord(name(key.name()), type(key.type()), DClass.IN)),
                "query " + key);
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return Optional.empty();
        }
        if (rcode != Rcode.NOERROR) {
            throw new DnsException(settings.server() + " answered " + Rcode.string(rcode) + " to a query for " + key);
        }
        // Only the set itself: a query for A at a CNAME answers the CNAME (and what it points to).
        List<Record> records = response.getSection(Section.ANSWER).stream()
                .filter(r -> r.getType() == type(key.type()) && r.getName().equals(name(key.name()))).toList();
        if (records.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RecordSet(key.name(), key.type(), records.get(0).getTTL(),
                records.stream().map(Record::rdataToString).toList()));
    }

    @Override
    public ChangeReceipt apply(RecordChange change, InSyncWait wait) {
        InSyncWait.Clock clock = wait.start(settings.pollEvery());
        Update update = new Update(zone);
        try {
            for (RecordSet set : change.deletions()) {
                update.delete(name(set.name()), type(set.type()));
            }
            for (RecordSet set : change.upserts()) {
                update.delete(name(set.name()), type(set.type())); // replace the whole set, like UPSERT
                for (String value : set.values()) {
                    update.add(name(set.name()), type(set.type()), set.ttlSeconds(), value);
                }
            }
        } catch (IOException e) {
            throw new DnsException("cannot build the update (" + change.describe() + "): " + e.getMessage(), e);
        }
        Message response = send(update, "update " + change.describe());
        if (response.getRcode() != Rcode.NOERROR) {
            throw new DnsException(settings.server() + " refused the update (" + change.describe() + "): "
                    + Rcode.string(response.getRcode()) + refusalHint(response.getRcode()));
        }
        while (!visible(change)) {
            clock.notYet("update " + change.describe() + " on " + settings.server());
        }
        long serial = serial();
        return clock.inSync("soa-serial-" + serial, retriesUsed == 0 ? "NOERROR"
                : "NOERROR (" + retriesUsed + " message" + (retriesUsed == 1 ? "" : "s") + " sent again after no answer)");
    }

    @Override
    public String describe() {
        return settings.toString();
    }

    @Override
    public void close() {
        // SimpleResolver keeps no connection between messages.
    }

    private boolean visible(RecordChange change) {
        for (RecordSet deleted : change.deletions()) {
            if (change.upserts().stream().noneMatch(set -> set.key().equals(deleted.key()))
                    && resolve(deleted.key()).isPresent()) {
                return false;
            }
        }
        return change.upserts().stream().allMatch(set -> resolve(set.key()).equals(Optional.of(set)));
    }

    /**
     * A prerequisite-only update ("RRset exists (value independent)" on the zone's SOA) changes
     * nothing, yet the server checks the TSIG key and the update policy as for a real one.
     */
    @Override
    public String proveUpdateRights() {
        String key = settings.tsigName() == null ? "no TSIG key (unsigned)" : "TSIG key " + settings.tsigName()
                + " (" + settings.tsigAlgorithm() + ")";
        try {
            long before = serial();
            Update update = new Update(zone);
            update.present(zone, Type.SOA);
            Message response = send(update, "a no-op update of " + zone + " (prerequisite only)");
            if (response.getRcode() != Rcode.NOERROR) {
                throw new DnsException(settings.server() + " refused a no-op update of " + zone + ": "
                        + Rcode.string(response.getRcode()) + refusalHint(response.getRcode()));
            }
            long after = serial();
            return "a no-op update of " + zone + " signed with " + key + " was accepted; zone serial " + after
                    + (after == before ? " unchanged" : " (was " + before + ")");
        } catch (DnsException refused) {
            throw new DnsException(key + " not accepted by " + settings.server() + ":" + settings.port() + ": "
                    + refused.getMessage());
        }
    }

    private long serial() {
        Message response = send(Message.newQuery(Record.newRecord(zone, Type.SOA, DClass.IN)), "query SOA " + zone);
        return response.getSection(Section.ANSWER).stream().filter(SOARecord.class::isInstance)
                .map(r -> ((SOARecord) r).getSerial()).findFirst().orElse(-1L);
    }

    /** How many messages were sent again after no answer, over this switch's life. */
    int retriesUsed() {
        return retriesUsed;
    }

    /**
     * Sends one message, again after no answer up to {@code retries} times. Sending again is safe for
     * every message this switch sends: queries, and updates that replace whole sets (delete, then add)
     * — applied twice they leave the same zone.
     */
    private Message send(Message message, String what) {
        Message response = null;
        IOException lost = null;
        for (int attempt = 0; response == null; attempt++) {
            try {
                response = resolver.send(message);
            } catch (IOException e) {
                lost = e;
                if (attempt >= settings.retries()) {
                    throw new DnsException("no answer from " + settings.server() + ":" + settings.port() + " to " + what
                            + (settings.retries() == 0 ? "" : " after " + (attempt + 1) + " attempts") + ": "
                            + e.getMessage(), e);
                }
                retriesUsed++;
                try {
                    Thread.sleep(backoff(attempt));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new DnsException("interrupted while waiting to send " + what + " again (no answer from "
                            + settings.server() + ": " + lost.getMessage() + ")", interrupted);
                }
            }
        }
        if (response.getRcode() == Rcode.NOTAUTH) {
            throw new DnsException(settings.server() + " answered NOTAUTH to " + what + refusalHint(Rcode.NOTAUTH));
        }
        if (settings.tsigName() != null && response.isSigned() && !response.isVerified()) {
            throw new DnsException("the answer of " + settings.server() + " to " + what + " failed TSIG verification");
        }
        return response;
    }

    /** 250 ms before the first retry, doubling, at most 2 s. */
    static long backoff(int attempt) {
        return Math.min(2_000L, 250L << Math.min(attempt, 3));
    }

    private static String refusalHint(int rcode) {
        return switch (rcode) {
            case Rcode.NOTAUTH -> " (TSIG key unknown to the server, wrong secret, or clock skew)";
            case Rcode.REFUSED -> " (the server does not allow this key or address to update the zone)";
            case Rcode.NOTZONE -> " (a record name is outside the zone)";
            default -> "";
        };
    }

    private static Name name(String absolute) {
        try {
            return Name.fromString(absolute);
        } catch (TextParseException e) {
            throw new DnsException("'" + absolute + "' is not a valid DNS name", e);
        }
    }

    private static int type(String type) {
        int value = Type.value(type);
        if (value < 0) {
            throw new DnsException("unknown DNS record type " + type);
        }
        return value;
    }
}
