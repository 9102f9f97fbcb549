package dev.cutover.dns;

/**
 * Optional power of a {@link DnsSwitch} that can prove, without changing anything, that the zone
 * accepts its updates (RFC 2136: a prerequisite-only update, "RRset exists (value independent)"
 * on the zone's SOA, signed with the TSIG key).
 */
public interface UpdateRights {

    /**
     * Sends the no-op update.
     *
     * @return what the server said, e.g. {@code accepted; zone serial 2026120201 unchanged}
     * @throws DnsException naming the key and the server's refusal
     */
    String proveUpdateRights();
}
