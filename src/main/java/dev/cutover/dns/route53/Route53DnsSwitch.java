package dev.cutover.dns.route53;

import dev.cutover.dns.ChangeReceipt;
import dev.cutover.dns.DnsException;
import dev.cutover.dns.DnsNames;
import dev.cutover.dns.DnsSwitch;
import dev.cutover.dns.InSyncWait;
import dev.cutover.dns.RecordChange;
import dev.cutover.dns.RecordKey;
import dev.cutover.dns.RecordSet;
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
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.route53.model.Route53Exception;

/**
 * Route 53 through the AWS SDK v2: ListResourceRecordSets to read, one ChangeResourceRecordSets
 * batch (DELETE exactly as read, then UPSERT) per change, GetChange polled until INSYNC, which
 * Route 53 reports once all its authoritative name servers serve the change.
 */
public final class Route53DnsSwitch implements DnsSwitch {

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
        InSyncWait.Clock clock = wait.start(settings.pollEvery());
        List<Change> changes = new ArrayList<>();
        change.deletions().forEach(set -> changes.add(change(ChangeAction.DELETE, set)));
        change.upserts().forEach(set -> changes.add(change(ChangeAction.UPSERT, set)));
        ChangeInfo info = call(change.describe(), () -> client.changeResourceRecordSets(request -> request
                .hostedZoneId(settings.hostedZoneId())
                .changeBatch(batch -> batch.comment("cutover: " + abbreviate(change.describe())).changes(changes))))
                .changeInfo();
        String id = info.id();
        while (info.status() != ChangeStatus.INSYNC) {
            clock.notYet("Route 53 change " + id + " (" + change.describe() + ")");
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

    private static Change change(ChangeAction action, RecordSet set) {
        return Change.builder().action(action).resourceRecordSet(ResourceRecordSet.builder().name(set.name())
                .type(set.type()).ttl(set.ttlSeconds())
                .resourceRecords(set.values().stream().map(value -> ResourceRecord.builder().value(value).build()).toList())
                .build()).build();
    }

    private static RecordSet recordSet(RecordKey key, ResourceRecordSet set) {
        if (set.aliasTarget() != null) {
            throw new DnsException(key + " is a Route 53 alias (to " + set.aliasTarget().dnsName()
                    + "); alias records are not supported by the DNS steps yet");
        }
        if (set.setIdentifier() != null) {
            throw new DnsException(key + " has a routing policy (set identifier " + set.setIdentifier()
                    + "); only simple record sets are supported");
        }
        return new RecordSet(key.name(), key.type(), set.ttl() == null ? 0 : set.ttl(),
                set.resourceRecords().stream().map(ResourceRecord::value).toList());
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
