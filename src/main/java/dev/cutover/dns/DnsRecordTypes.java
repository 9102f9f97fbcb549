package dev.cutover.dns;

/** The record types the DNS steps change: what a cutover points at a new target. */
final class DnsRecordTypes {

    static final String[] ALL = { "A", "AAAA", "CNAME", "TXT" };

    private DnsRecordTypes() {
    }
}
