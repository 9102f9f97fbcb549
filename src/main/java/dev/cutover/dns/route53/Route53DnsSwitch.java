package dev.cutover.dns.route53;

import dev.cutover.dns.ChangeReceipt;
import dev.cutover.dns.DnsException;
import dev.cutover.dns.DnsNames;
import dev.cutover.dns.DnsSwitch;
import dev.cutover.dns.InSyncWait;
import dev.cutover.dns.RecordChange;
import dev.cutover.dns.RecordKey;
import dev.cutover.dns.RecordSet;
import dev.cutover.dns.RoutedRecordSet;
import dev.cutover.dns.WeightedRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeInfo;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.route53.model.Route53Exception;

/**
 * Route 53 through the AWS SDK v2: ListResourceRecordSets to read, one ChangeResourceRecordSets
 * batch (DELETE exactly as read, then UPSERT) per change, GetChange polled until INSYNC, which
 * Route 53 reports once all its authoritative name servers serve the change. Weighted record sets
 * (set identifier and weight) are read and changed through {@link WeightedRecords}.
 */
public final class Route53DnsSwitch implements DnsSwitch, WeightedRecords {

    private final Route53Settings settings;
    private final Route53Client client;

    public Route53DnsSwitch(Route53Settings settings, Route53Client client) {
        this.settings = settings;
        this.client = client;
    }

    @Override
    public Optional<String> zone() {
        return Optional.ofNullable(settings.zone()).map(DnsNames::absolute);
    }

    @Override
    public Optional<RecordSet> read(RecordKey key) {
        List<ResourceRecordSet> page = call("list " + key, () -> client.listResourceRecordSets(request -> request
                .hostedZoneId(settings.hostedZoneId()).startRecordName(key.name()).startRecordType(key.type())
                .maxItems("1"))).resourceRecordSets();
        // The listing starts at the name and type asked for, or at the next one when there is none.
        return page.stream().filter(set -> key.equals(new RecordKey(Route53Names.decode(set.name()), set.typeAsString())))
                .findFirst().map(set -> recordSet(key, set));
    }

    @Override
    public Optional<RecordSet> resolve(RecordKey key) {
        return read(key);
    }

    @Override
    public ChangeReceipt apply(RecordChange change, InSyncWait wait) {
        return apply(change.deletions().stream().map(RoutedRecordSet::plain).toList(),
                change.upserts().stream().map(RoutedRecordSet::plain).toList(), change.describe(), wait);
    }

    @Override
    public Optional<WeightedRecords> weighted() {
        return Optional.of(this);
    }

    @Override
    public List<RoutedRecordSet> readAll(RecordKey key) {
        List<RoutedRecordSet> found = new ArrayList<>();
        String startName = key.name();
        String startType = key.type();
        String startIdentifier = null;
        while (true) {
            String name = startName;
            String type = startType;
            String identifier = startIdentifier;
            ListResourceRecordSetsResponse page = call("list " + key, () -> client.listResourceRecordSets(request -> request
                    .hostedZoneId(settings.hostedZoneId()).startRecordName(name).startRecordType(type)
                    .startRecordIdentifier(identifier).maxItems("100")));
            boolean past = false;
            for (ResourceRecordSet set : page.resourceRecordSets()) {
                if (!key.equals(new RecordKey(Route53Names.decode(set.name()), set.typeAsString()))) {
                    past = true;  // the listing moved on to the next name or type
                    break;
                }
                found.add(routed(key, set));
            }
            if (past || !Boolean.TRUE.equals(page.isTruncated())) {
                return List.copyOf(found);
            }
            startName = page.nextRecordName();
            startType = page.nextRecordTypeAsString();
            startIdentifier = page.nextRecordIdentifier();
        }
    }

    @Override
    public ChangeReceipt apply(List<RoutedRecordSet> deletions, List<RoutedRecordSet> upserts, InSyncWait wait) {
        List<String> parts = new ArrayList<>();
        deletions.forEach(set -> parts.add("delete " + set.describe()));
        upserts.forEach(set -> parts.add("upsert " + set.describe()));
        return apply(deletions, upserts, parts.isEmpty() ? "no change" : String.join("; ", parts), wait);
    }

    private ChangeReceipt apply(List<RoutedRecordSet> deletions, List<RoutedRecordSet> upserts, String described,
                                InSyncWait wait) {
        InSyncWait.Clock clock = wait.start(settings.pollEvery());
        List<Change> changes = new ArrayList<>();
        deletions.forEach(set -> changes.add(change(ChangeAction.DELETE, set)));
        upserts.forEach(set -> changes.add(change(ChangeAction.UPSERT, set)));
        ChangeInfo info = call(described, () -> client.changeResourceRecordSets(request -> request
                .hostedZoneId(settings.hostedZoneId())
                .changeBatch(batch -> batch.comment("cutover: " + abbreviate(described)).changes(changes))))
                .changeInfo();
        String id = info.id();
        while (info.status() != ChangeStatus.INSYNC) {
            clock.notYet("Route 53 change " + id + " (" + described + ")");
            info = call("GetChange " + id, () -> client.getChange(request -> request.id(id))).changeInfo();
        }
        return clock.inSync(id, info.statusAsString());
    }

    @Override
    public String describe() {
        return settings.toString();
    }

    @Override
    public void close() {
        client.close();
    }

    private static Change change(ChangeAction action, RoutedRecordSet routed) {
        RecordSet set = routed.records();
        ResourceRecordSet.Builder builder = ResourceRecordSet.builder().name(set.name()).type(set.type())
                .ttl(set.ttlSeconds())
                .resourceRecords(set.values().stream().map(value -> ResourceRecord.builder().value(value).build()).toList());
        if (routed.isWeighted()) {
            builder.setIdentifier(routed.setIdentifier()).weight(routed.weight());
        }
        return Change.builder().action(action).resourceRecordSet(builder.build()).build();
    }

    private static RoutedRecordSet routed(RecordKey key, ResourceRecordSet set) {
        if (set.setIdentifier() == null) {
            return RoutedRecordSet.plain(recordSet(key, set));
        }
        if (set.weight() == null || set.aliasTarget() != null) {
            throw new DnsException(key + " set " + set.setIdentifier() + " uses a routing policy other than weighted "
                    + "(or is an alias); only simple and weighted record sets are supported");
        }
        return RoutedRecordSet.weighted(simple(key, set), set.setIdentifier(), set.weight());
    }

    private static RecordSet simple(RecordKey key, ResourceRecordSet set) {
        return new RecordSet(key.name(), key.type(), set.ttl() == null ? 0 : set.ttl(),
                set.resourceRecords().stream().map(ResourceRecord::value).toList());
    }

    private static RecordSet recordSet(RecordKey key, ResourceRecordSet set) {
        if (set.aliasTarget() != null) {
            throw new DnsException(key + " is a Route 53 alias (to " + set.aliasTarget().dnsName()
                    + "); alias records are not supported by the DNS steps yet");
        }
        if (set.setIdentifier() != null) {
            throw new DnsException(key + " has a routing policy (set identifier " + set.setIdentifier()
                    + "); only simple record sets are supported here (dns-shift handles weighted ones)");
        }
        return simple(key, set);
    }

    /** Calls the SDK; its exceptions never leave this class. */
    private <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (Route53Exception e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode() + ": ";
            String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
            throw new DnsException("Route 53 refused " + what + " in " + settings + " (HTTP " + e.statusCode() + " "
                    + code + message + ")");
        } catch (SdkException e) {
            throw new DnsException("Route 53 could not be reached for " + what + " in " + settings + ": " + e.getMessage());
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 197) + "...";
    }
}
