package dev.cutover.dns;

import java.util.List;

/**
 * The part of a DNS provider that knows weighted routing (Route 53): every record set of a name
 * and type, plain or weighted, and atomic changes to them. RFC 2136 has no weights, so its switch
 * offers none ({@link DnsSwitch#weighted()} is empty).
 */
public interface WeightedRecords {

    /** Every record set of the key's name and type: the plain one, or all weighted ones; empty when none. */
    List<RoutedRecordSet> readAll(RecordKey key);

    /**
     * Deletes (exactly as they are now), then creates or replaces, in one atomic change, and returns
     * once the provider says it is in sync everywhere.
     */
    ChangeReceipt apply(List<RoutedRecordSet> deletions, List<RoutedRecordSet> upserts, InSyncWait wait);
}
