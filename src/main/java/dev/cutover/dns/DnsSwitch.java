package dev.cutover.dns;

import java.util.Optional;

/**
 * The port to one DNS zone at one provider: read a record set, change record sets and wait until
 * the change is in sync, and resolve from the zone's authoritative side to prove it. Adapters
 * ({@code route53}, {@code rfc2136}) translate every provider error into {@link DnsException}; no
 * SDK type crosses this interface.
 */
public interface DnsSwitch extends AutoCloseable {

    /** The zone's absolute name when known (record names in runbooks may be relative to it), else empty. */
    Optional<String> zone();

    /** The record set as the provider holds it, or empty when there is none of that name and type. */
    Optional<RecordSet> read(RecordKey key);

    /** Applies the change atomically and returns once the provider says it is in sync everywhere. */
    ChangeReceipt apply(RecordChange change, InSyncWait wait);

    /**
     * The record set as the zone's authoritative server answers it now. For RFC 2136 a DNS query to
     * the server; for Route 53 the API's view, which GetChange's INSYNC says all its name servers serve.
     */
    Optional<RecordSet> resolve(RecordKey key);

    /** Weighted routing at this provider, or empty when it has none (RFC 2136). */
    default Optional<WeightedRecords> weighted() {
        return Optional.empty();
    }

    default ChangeReceipt upsert(RecordSet recordSet, InSyncWait wait) {
        return apply(RecordChange.upsert(recordSet), wait);
    }

    /** Human-readable target, e.g. {@code route53 hosted zone Z123} or {@code rfc2136 127.0.0.1:53 zone x.}. */
    String describe();

    @Override
    void close();
}
